/**
 * Time to a poster, to a playable stream and to `ready` for a 1080p30 video, through the process
 * function in local mode (the machine's ffmpeg): the clock starts when the function receives the
 * upload's object event (what `complete` leads to). The poster time is when the processing record
 * first carries a `posterUrl` and that URL serves the JPEG; the playable time is when it first
 * carries `playable` and its master playlist and a rendition's first segment serve; the ready
 * time is when the run ends. Before the stream was published while encoding, `ready` was the
 * first moment it played: the ratio playable/ready is the gain, measured in the same run.
 *
 * The original (1080p30, 8 Mbit/s, with sound, index at the end) is generated first, not timed:
 * a 10 s lavfi chunk encoded once and concatenated without re-encoding, as bench/poster.ts does.
 *
 *   npx tsx bench/timeToPlay.ts [seconds=600]
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { onStateChange } from '../lambdas/shared/stateChanges.js';
import { ProcessHarness } from '../test/integration/processHarness.js';

const exec = promisify(execFile);
const SECONDS = Number(process.argv[2] ?? 600);
const CHUNK_SECONDS = 10;

async function makeVideo(dir: string, seconds: number): Promise<string> {
  const chunk = join(dir, 'chunk.mp4');
  const list = join(dir, 'list.txt');
  const output = join(dir, 'video.mp4');
  const ff = (...a: string[]) => exec('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-nostdin', '-y', ...a]);
  await ff(
    '-f', 'lavfi', '-i', `testsrc2=size=1920x1080:rate=30:duration=${CHUNK_SECONDS}`,
    '-f', 'lavfi', '-i', `sine=frequency=440:duration=${CHUNK_SECONDS}`,
    '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-b:v', '8M', '-maxrate', '8M', '-bufsize', '8M',
    '-c:a', 'aac', '-shortest', chunk,
  );
  await writeFile(list, Array.from({ length: Math.ceil(seconds / CHUNK_SECONDS) }, () => `file '${chunk}'`).join('\n'));
  await ff('-f', 'concat', '-safe', '0', '-i', list, '-c', 'copy', output);
  return output;
}

async function main(): Promise<void> {
  if (!Number.isFinite(SECONDS) || SECONDS < CHUNK_SECONDS || SECONDS > 1200) throw new Error(`seconds must be 10 to 1200, got ${process.argv[2]}`);
  const dir = await mkdtemp(join(tmpdir(), 'bench-time-to-play-'));
  // The ffmpeg path (a 10-minute video is at MediaConvert's line), with an hour to run.
  const h = await ProcessHarness.start({ FFMPEG_PATH: 'ffmpeg', FFPROBE_PATH: 'ffprobe' }, { transcoder: 'ffmpeg' });
  try {
    const file = await makeVideo(dir, SECONDS);
    const { size } = await stat(file);
    const uploadId = await h.upload(file, { contentType: 'video/mp4', kind: 'video' });
    let posterMs: number | undefined;
    let playableMs: number | undefined;
    let start = 0;
    const checks: Promise<void>[] = [];
    const stop = onStateChange(async ({ record }) => {
      if (record.uploadId !== uploadId || record.status !== 'processing') return;
      const media = record.media;
      if (posterMs === undefined && media?.posterUrl) {
        posterMs = -1;
        checks.push(serves(media.posterUrl, 'image/jpeg').then(() => void (posterMs = performance.now() - start)));
      }
      if (playableMs === undefined && media?.playable && media.hlsUrl) {
        playableMs = -1;
        checks.push(firstSegmentServes(media.hlsUrl).then(() => void (playableMs = performance.now() - start)));
      }
    });
    start = performance.now();
    const result = await h.deliver(uploadId, 1, 60 * 60_000);
    const readyMs = performance.now() - start;
    stop();
    await Promise.all(checks);
    const record = await h.record(uploadId);
    if (result.batchItemFailures.length > 0 || record.status !== 'ready' || posterMs === undefined || playableMs === undefined) {
      throw new Error(`The run did not end ready with an early poster and stream: ${record.status}, poster ${posterMs}, playable ${playableMs}`);
    }
    const renditions = record.media?.renditions?.map((r) => `${r.height}p`).join(', ');
    const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
    console.log(`${SECONDS} s 1080p30 original, ${(size / 1e6).toFixed(1)} MB (renditions ${renditions}), machine's ffmpeg, load ${loadavg()[0]?.toFixed(1)}:`);
    console.log('| step | from the object event |');
    console.log('|---|---:|');
    console.log(`| poster URL on the processing record, serving the JPEG | ${s(posterMs)} |`);
    console.log(`| playable: hlsUrl on the processing record, master and first segment serving | ${s(playableMs)} |`);
    console.log(`| ready (before: the first moment the stream played) | ${s(readyMs)} |`);
    console.log(`poster at ${((posterMs / readyMs) * 100).toFixed(1)}% and playable at ${((playableMs / readyMs) * 100).toFixed(1)}% of the time to ready (${(readyMs / playableMs).toFixed(1)}x sooner)`);
  } finally {
    await h.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

async function serves(url: string, contentType: string): Promise<void> {
  const response = await fetch(url);
  await response.arrayBuffer();
  if (response.status !== 200 || response.headers.get('content-type') !== contentType) throw new Error(`${url} answered ${response.status}`);
}

/** The master, its first variant and that variant's first segment all serve: a player can start. */
async function firstSegmentServes(masterUrl: string): Promise<void> {
  const entry = async (url: string) => {
    const response = await fetch(url);
    if (response.status !== 200) throw new Error(`${url} answered ${response.status}`);
    const line = (await response.text()).split('\n').find((l) => l !== '' && !l.startsWith('#'));
    if (!line) throw new Error(`${url} lists nothing`);
    return new URL(line, url).href;
  };
  await serves(await entry(await entry(masterUrl)), 'video/mp2t');
}

await main();
