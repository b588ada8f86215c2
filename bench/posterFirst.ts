/**
 * Time to a poster against time to `ready` for a 1080p30 video, through the process function in
 * local mode (the machine's ffmpeg): the clock starts when the function receives the upload's
 * object event (what `complete` leads to), the poster time is when the processing record first
 * carries a `posterUrl` and that URL serves the JPEG, the ready time is when the run ends.
 *
 * The original (1080p30, 8 Mbit/s, with sound, index at the end) is generated first, not timed:
 * a 10 s lavfi chunk encoded once and concatenated without re-encoding, as bench/poster.ts does.
 *
 *   npx tsx bench/posterFirst.ts [seconds=60]
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { onStateChange } from '../lambdas/shared/stateChanges.js';
import { ProcessHarness } from '../test/integration/processHarness.js';

const exec = promisify(execFile);
const SECONDS = Number(process.argv[2] ?? 60);
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
  if (!Number.isFinite(SECONDS) || SECONDS < CHUNK_SECONDS || SECONDS > 600) throw new Error(`seconds must be 10 to 600, got ${process.argv[2]}`);
  const dir = await mkdtemp(join(tmpdir(), 'bench-poster-first-'));
  const h = await ProcessHarness.start({ FFMPEG_PATH: 'ffmpeg', FFPROBE_PATH: 'ffprobe' });
  try {
    const file = await makeVideo(dir, SECONDS);
    const { size } = await stat(file);
    const uploadId = await h.upload(file, { contentType: 'video/mp4', kind: 'video' });
    let posterMs: number | undefined;
    let start = 0;
    const stop = onStateChange(async ({ record }) => {
      if (posterMs !== undefined || record.uploadId !== uploadId || record.status !== 'processing' || !record.media?.posterUrl) return;
      const response = await fetch(record.media.posterUrl);
      const bytes = Buffer.from(await response.arrayBuffer());
      if (response.status !== 200 || bytes[0] !== 0xff || bytes[1] !== 0xd8) throw new Error(`The poster URL answered ${response.status}`);
      posterMs = performance.now() - start;
    });
    start = performance.now();
    const result = await h.deliver(uploadId);
    const readyMs = performance.now() - start;
    stop();
    const record = await h.record(uploadId);
    if (result.batchItemFailures.length > 0 || record.status !== 'ready' || posterMs === undefined) {
      throw new Error(`The run did not end ready with an early poster: ${record.status}, poster ${posterMs}`);
    }
    const renditions = record.media?.renditions?.map((r) => `${r.height}p`).join(', ');
    console.log(`${SECONDS} s 1080p30 original, ${(size / 1e6).toFixed(1)} MB (renditions ${renditions}), machine's ffmpeg:`);
    console.log('| step | from the object event |');
    console.log('|---|---:|');
    console.log(`| poster URL on the processing record, serving the JPEG | ${(posterMs / 1000).toFixed(2)} s |`);
    console.log(`| ready | ${(readyMs / 1000).toFixed(2)} s |`);
    console.log(`poster at ${((posterMs / readyMs) * 100).toFixed(1)}% of the time to ready`);
  } finally {
    await h.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
