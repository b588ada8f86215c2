/**
 * Wall time of the process function on a 60 s 720p video and a 3-minute song, against running
 * the same ffmpeg/ffprobe commands directly in the same run: the ratio is what the function
 * adds (claim and state writes, presigning, throttled progress, measuring renditions, writing
 * the master playlist and waveform, publishing every output to S3, removing /tmp).
 *
 * Both read the original from local mode's S3 emulator over a presigned URL, so the input side
 * is the same; the function also uploads its outputs to the emulator. Media is generated with
 * lavfi into a temp folder first (not timed). Runs alternate direct/function.
 *
 *   npx tsx bench/processing.ts [runs=1] [--layer]   (--layer: the Lambda layer's static ffmpeg 4.1 / ffprobe)
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { ffmpegBinaries } from '../layers/ffmpeg/ffmpegBinaries.js';
import { AUDIO_RENDITION, audioHlsArgs } from '../lambdas/shared/media/audioHlsArgs.js';
import { describeMedia } from '../lambdas/shared/media/mediaFacts.js';
import { posterArgs, posterTime } from '../lambdas/shared/media/posterArgs.js';
import { probeMedia } from '../lambdas/shared/media/probeMedia.js';
import { runFfmpeg } from '../lambdas/shared/media/runFfmpeg.js';
import { planThumbnails, spriteArgs, spriteGrid, thumbnailFramesArgs } from '../lambdas/shared/media/thumbnailSprite.js';
import { VIDEO_SEGMENT_SECONDS, videoHlsArgs } from '../lambdas/shared/media/videoHlsArgs.js';
import { planRenditions } from '../lambdas/shared/media/videoLadder.js';
import { WaveformPeaks } from '../lambdas/shared/media/WaveformPeaks.js';
import { ProcessHarness } from '../test/integration/processHarness.js';

const exec = promisify(execFile);
const args = process.argv.slice(2);
const RUNS = Number(args.find((arg) => /^\d+$/.test(arg)) ?? 1);
const LAYER = args.includes('--layer');
const [layerFfmpeg, layerFfprobe] = ffmpegBinaries();
const FFMPEG = LAYER ? (layerFfmpeg?.path as string) : 'ffmpeg';
const FFPROBE = LAYER ? (layerFfprobe?.path as string) : 'ffprobe';
const HOUR_MS = 3_600_000;

interface Case {
  readonly label: string;
  readonly file: string;
  readonly contentType: string;
  readonly kind: 'audio' | 'video';
  readonly seconds: number;
}

async function generate(dir: string): Promise<Case[]> {
  const video = join(dir, 'video-720p-60s.mp4');
  const song = join(dir, 'song-3min.mp3');
  const ff = (...a: string[]) => exec('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-nostdin', '-y', ...a]);
  await ff(
    '-f', 'lavfi', '-i', 'testsrc2=size=1280x720:rate=30:duration=60',
    '-f', 'lavfi', '-i', 'sine=frequency=440:beep_factor=4:duration=60',
    '-c:v', 'libx264', '-preset', 'veryfast', '-b:v', '4M', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-b:a', '160k', '-shortest', video,
  );
  await ff('-f', 'lavfi', '-i', 'sine=frequency=220:beep_factor=6:duration=180', '-ac', '2', '-c:a', 'libmp3lame', '-b:a', '192k', song);
  return [
    { label: '60 s 720p30 video (H.264/AAC, 4 Mbit/s)', file: video, contentType: 'video/mp4', kind: 'video', seconds: 60 },
    { label: '3 min song (MP3 192 kbit/s)', file: song, contentType: 'audio/mpeg', kind: 'audio', seconds: 180 },
  ];
}

/** The function's commands for one original, run one after another without the function around them. */
async function direct(input: string, kind: 'audio' | 'video', dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  const media = describeMedia(await probeMedia(input, { ffprobe: FFPROBE, timeoutMs: HOUR_MS }));
  const run = (commandArgs: string[], onFd3Data?: (chunk: Buffer) => void) =>
    runFfmpeg(commandArgs, { ffmpeg: FFMPEG, step: 'bench', timeoutMs: HOUR_MS, onFd3Data });
  if (kind === 'audio') {
    await mkdir(join(dir, AUDIO_RENDITION));
    const waveform = new WaveformPeaks(8000);
    await run(audioHlsArgs({ input, outputDir: dir, audioStreamIndex: media.audioStreamIndex as number }), (chunk) => waveform.push(chunk));
    waveform.result();
    return;
  }
  const renditions = planRenditions({ width: media.width as number, height: media.height as number, fps: media.fps });
  for (const r of renditions) await mkdir(join(dir, r.name));
  await run(
    videoHlsArgs({
      input,
      outputDir: dir,
      renditions,
      videoStreamIndex: media.videoStreamIndex as number,
      audioStreamIndex: media.audioStreamIndex,
      sourceFps: media.fps,
      segmentSeconds: VIDEO_SEGMENT_SECONDS,
    }),
  );
  const top = renditions[renditions.length - 1];
  const smallest = renditions[0];
  if (!top || !smallest) throw new Error('no renditions');
  await run(
    posterArgs({ input, output: join(dir, 'poster.jpg'), videoStreamIndex: media.videoStreamIndex as number, atSeconds: posterTime(media.durationSeconds), width: top.width, height: top.height }),
  );
  const plan = planThumbnails(media.durationSeconds as number, smallest.width, smallest.height);
  await mkdir(join(dir, 'frames'));
  await run(thumbnailFramesArgs(join(dir, smallest.name, 'index.m3u8'), join(dir, 'frames', '%05d.jpg'), plan));
  const count = (await readdir(join(dir, 'frames'))).length;
  await run(spriteArgs(join(dir, 'frames', '%05d.jpg'), join(dir, 'sprite.jpg'), spriteGrid(count)));
}

async function timed(work: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await work();
  return performance.now() - start;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'bench-processing-'));
  const harness = await ProcessHarness.start(LAYER ? { FFMPEG_PATH: FFMPEG, FFPROBE_PATH: FFPROBE } : {});
  try {
    process.stdout.write('generating media… ');
    const cases = await generate(dir);
    console.log('done');
    const { stdout: version } = await exec(FFMPEG, ['-version']);
    console.log(`ffmpeg: ${version.split('\n')[0]}; ${cpus().length} CPUs; ${RUNS} run(s) each, median`);
    console.log('');

    const rows: string[][] = [];
    for (const c of cases) {
      const { size } = await stat(c.file);
      const directMs: number[] = [];
      const functionMs: number[] = [];
      let objects = 0;
      for (let run = 0; run < RUNS; run += 1) {
        const uploadId = await harness.upload(c.file, { contentType: c.contentType, kind: c.kind });
        const url = await getSignedUrl(harness.s3, new GetObjectCommand({ Bucket: harness.local.uploadsBucket, Key: `uploads/${uploadId}/source` }), {
          expiresIn: 3600,
        });
        directMs.push(await timed(() => direct(url, c.kind, join(dir, 'direct'))));
        functionMs.push(
          await timed(async () => {
            const response = await harness.deliver(uploadId);
            if (response.batchItemFailures.length > 0) throw new Error(`processing failed: ${JSON.stringify(response)}`);
          }),
        );
        const record = await harness.record(uploadId);
        if (record.status !== 'ready') throw new Error(`${c.label} ended ${record.status}: ${JSON.stringify(record.error)}`);
        objects = (await harness.outputKeys(uploadId)).length;
      }
      const d = median(directMs);
      const f = median(functionMs);
      rows.push([
        c.label,
        `${(size / 1e6).toFixed(1)} MB`,
        seconds(d),
        seconds(f),
        `${(f / d).toFixed(3)}x`,
        `+${seconds(f - d)}`,
        `${(c.seconds / (f / 1000)).toFixed(1)}x`,
        String(objects),
      ]);
    }
    const header = ['original', 'size', 'ffmpeg direct', 'process function', 'ratio', 'overhead', 'realtime', 'outputs'];
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
    const line = (cells: string[]) => cells.map((cell, i) => cell.padEnd(widths[i] as number)).join('  ');
    console.log(line(header));
    for (const row of rows) console.log(line(row));
    console.log('');
    console.log('ratio = function / direct (same commands, same presigned input); realtime = media seconds per wall second of the function');
  } finally {
    await harness.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
