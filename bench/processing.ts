/**
 * Wall time of the process function on a 60 s 720p video and a 3-minute song, against running
 * the same ffmpeg/ffprobe commands directly in the same run: the ratio is what the function
 * adds (claim and state writes, the loopback source server, throttled progress, measuring
 * renditions, writing the master playlist and waveform, publishing every output to S3,
 * removing /tmp).
 *
 * Both read the original from local mode's S3 emulator through a SourceServer (the function
 * starts its own), so the input side is the same; the function also uploads its outputs to the
 * emulator. Media is generated with lavfi into a temp folder first (not timed). Runs alternate
 * direct/function.
 *
 * With no --binaries it runs once per set of binaries, each in a child process (the handler
 * keeps the ffmpeg it was imported with): the machine's ffmpeg, the layer's x86_64 build and
 * the layer's arm64 build. arm64 runs under qemu-user-static on an x86_64 machine: its times
 * show the commands work, not what Graviton does.
 *
 *   npx tsx bench/processing.ts [runs=1] [--binaries machine|x86_64|arm64]
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { SourceServer } from '../lambdas/process-upload/source/SourceServer.js';
import { AUDIO_RENDITIONS, audioHlsArgs } from '../lambdas/process-upload/ffmpeg/audioHlsArgs.js';
import { describeMedia } from '../lambdas/process-upload/probe/mediaFacts.js';
import { parseMediaPlaylist } from '../lambdas/process-upload/hls/mediaPlaylist.js';
import { posterArgs } from '../lambdas/process-upload/ffmpeg/posterArgs.js';
import { posterTime } from '../lambdas/process-upload/plan/posterTime.js';
import { planThumbnails, spriteGrid } from '../lambdas/process-upload/plan/thumbnailPlan.js';
import { VIDEO_KEYFRAME_SECONDS, VIDEO_SEGMENT_SECONDS } from '../lambdas/process-upload/plan/videoPlan.js';
import { probeMedia } from '../lambdas/process-upload/probe/probeMedia.js';
import { runFfmpeg } from '../lambdas/process-upload/ffmpeg/runFfmpeg.js';
import { acceptedDemuxer, type SourceInput } from '../lambdas/process-upload/probe/sourceInput.js';
import { spriteArgs, thumbnailFramesArgs } from '../lambdas/process-upload/ffmpeg/thumbnailSprite.js';
import { videoHlsArgs } from '../lambdas/process-upload/ffmpeg/videoHlsArgs.js';
import { planRenditions } from '../lambdas/process-upload/plan/videoLadder.js';
import { WaveformPeaks } from '../lambdas/process-upload/ffmpeg/WaveformPeaks.js';
import { ProcessHarness } from '../test/integration/processHarness.js';
import { layerFfmpeg } from '../test/integration/support/layerFfmpeg.js';

const exec = promisify(execFile);
const args = process.argv.slice(2);
const RUNS = Number(args.find((arg) => /^\d+$/.test(arg)) ?? 1);
const BINARIES = args.includes('--binaries') ? args[args.indexOf('--binaries') + 1] : undefined;
const HOUR_MS = 3_600_000;

interface Binaries {
  readonly label: string;
  readonly emulated: boolean;
  readonly ffmpeg: string;
  readonly ffprobe: string;
}

function binaries(name: string): Binaries {
  if (name === 'machine') return { label: "machine's ffmpeg", emulated: false, ffmpeg: 'ffmpeg', ffprobe: 'ffprobe' };
  if (name !== 'x86_64' && name !== 'arm64') throw new Error(`--binaries takes machine, x86_64 or arm64, got ${name}`);
  const layer = layerFfmpeg(name);
  if ('missing' in layer) throw new Error(layer.missing);
  return { label: `layer ${name}${layer.emulated ? ' (qemu)' : ''}`, emulated: layer.emulated, ffmpeg: layer.ffmpeg, ffprobe: layer.ffprobe };
}

interface Case {
  readonly label: string;
  readonly file: string;
  readonly contentType: string;
  readonly kind: 'audio' | 'video';
  readonly seconds: number;
}

/**
 * The originals: a 60 s 720p video and a 3-minute song; a tenth of that under emulation, where
 * every command runs many times slower and a 60 s ladder would outlast the run's time limit.
 */
async function generate(dir: string, scale: number): Promise<Case[]> {
  const videoSeconds = 60 * scale;
  const songSeconds = 180 * scale;
  const video = join(dir, `video-720p-${videoSeconds}s.mp4`);
  const song = join(dir, `song-${songSeconds}s.mp3`);
  const ff = (...a: string[]) => exec('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-nostdin', '-y', ...a]);
  await ff(
    '-f', 'lavfi', '-i', `testsrc2=size=1280x720:rate=30:duration=${videoSeconds}`,
    '-f', 'lavfi', '-i', `sine=frequency=440:beep_factor=4:duration=${videoSeconds}`,
    '-c:v', 'libx264', '-preset', 'veryfast', '-b:v', '4M', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-b:a', '160k', '-shortest', video,
  );
  await ff('-f', 'lavfi', '-i', `sine=frequency=220:beep_factor=6:duration=${songSeconds}`, '-ac', '2', '-c:a', 'libmp3lame', '-b:a', '192k', song);
  return [
    { label: `${videoSeconds} s 720p30 video (H.264/AAC, 4 Mbit/s)`, file: video, contentType: 'video/mp4', kind: 'video', seconds: videoSeconds },
    { label: `${songSeconds} s song (MP3 192 kbit/s)`, file: song, contentType: 'audio/mpeg', kind: 'audio', seconds: songSeconds },
  ];
}

/** The function's commands for one original, run one after another without the function around them. */
async function direct(bin: Binaries, url: string, kind: 'audio' | 'video', dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  const media = describeMedia(await probeMedia(url, { ffprobe: bin.ffprobe, timeoutMs: HOUR_MS }));
  const source: SourceInput = { url, demuxer: acceptedDemuxer(media.formatName, kind) as string };
  const run = (commandArgs: string[], options: { onFd3Data?: (chunk: Buffer) => void; stdinFiles?: string[] } = {}) =>
    runFfmpeg(commandArgs, { ffmpeg: bin.ffmpeg, step: 'bench', timeoutMs: HOUR_MS, ...options });
  if (kind === 'audio') {
    for (const r of AUDIO_RENDITIONS) await mkdir(join(dir, r.name));
    const waveform = new WaveformPeaks(8000);
    await run(audioHlsArgs({ source, outputDir: dir, audioStreamIndex: media.audioStreamIndex as number }), { onFd3Data: (chunk) => waveform.push(chunk) });
    waveform.result();
    return;
  }
  const renditions = planRenditions({ width: media.width as number, height: media.height as number, fps: media.fps });
  for (const r of renditions) await mkdir(join(dir, r.name));
  await run(
    videoHlsArgs({
      source,
      outputDir: dir,
      renditions,
      videoStreamIndex: media.videoStreamIndex as number,
      audioStreamIndex: media.audioStreamIndex,
      sourceFps: media.fps,
      segmentSeconds: VIDEO_SEGMENT_SECONDS,
      keyframeSeconds: VIDEO_KEYFRAME_SECONDS,
    }),
  );
  const top = renditions[renditions.length - 1];
  const smallest = renditions[0];
  if (!top || !smallest) throw new Error('no renditions');
  await run(
    posterArgs({ source, output: join(dir, 'poster.jpg'), videoStreamIndex: media.videoStreamIndex as number, atSeconds: posterTime(media.durationSeconds), width: top.width, height: top.height }),
  );
  const plan = planThumbnails(media.durationSeconds as number, smallest.width, smallest.height);
  await mkdir(join(dir, 'frames'));
  const renditionDir = join(dir, smallest.name);
  const segments = parseMediaPlaylist(await readFile(join(renditionDir, 'index.m3u8'), 'utf8')).map((segment) => join(renditionDir, segment.uri));
  await run(thumbnailFramesArgs(join(dir, 'frames', '%05d.jpg'), plan), { stdinFiles: segments });
  const frames = (await readdir(join(dir, 'frames'))).sort().map((name) => join(dir, 'frames', name));
  await run(spriteArgs(join(dir, 'sprite.jpg'), spriteGrid(frames.length)), { stdinFiles: frames });
}

async function timed(work: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await work();
  return performance.now() - start;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

const HEADER = ['binaries', 'original', 'size', 'ffmpeg direct', 'process function', 'ratio', 'overhead', 'realtime', 'outputs'];

/** One set of binaries: rows as JSON lines on stdout, for the parent to print. */
async function measure(bin: Binaries): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'bench-processing-'));
  const harness = await ProcessHarness.start({ FFMPEG_PATH: bin.ffmpeg, FFPROBE_PATH: bin.ffprobe });
  try {
    const cases = await generate(dir, bin.emulated ? 0.1 : 1);
    for (const c of cases) {
      const { size } = await stat(c.file);
      const directMs: number[] = [];
      const functionMs: number[] = [];
      let objects = 0;
      for (let run = 0; run < RUNS; run += 1) {
        const uploadId = await harness.upload(c.file, { contentType: c.contentType, kind: c.kind });
        const source = await SourceServer.start({ s3: harness.s3, bucket: harness.local.uploadsBucket, key: `uploads/${uploadId}/source` });
        try {
          directMs.push(await timed(() => direct(bin, source.url, c.kind, join(dir, 'direct'))));
        } finally {
          await source.close();
        }
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
      const row = [bin.label, c.label, `${(size / 1e6).toFixed(1)} MB`, seconds(d), seconds(f), `${(f / d).toFixed(3)}x`, `+${seconds(f - d)}`, `${(c.seconds / (f / 1000)).toFixed(1)}x`, String(objects)];
      console.log(JSON.stringify(row));
    }
  } finally {
    await harness.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

/** Runs each set of binaries in a child process and prints one table. */
async function main(): Promise<void> {
  const sets = ['machine', 'x86_64', 'arm64'];
  console.log(`${cpus().length} CPUs; ${RUNS} run(s) each, median; binaries: ${sets.join(', ')}`);
  for (const name of sets) {
    try {
      const bin = binaries(name);
      const { stdout } = await exec(bin.ffmpeg, ['-version']);
      console.log(`  ${bin.label}: ${stdout.split('\n')[0]}`);
    } catch (error) {
      console.log(`  ${name}: not measured (${(error as Error).message})`);
    }
  }
  const rows: string[][] = [];
  for (const name of sets) {
    try {
      binaries(name);
    } catch {
      continue;
    }
    try {
      const { stdout } = await exec(process.execPath, [...process.execArgv, process.argv[1] as string, String(RUNS), '--binaries', name], {
        maxBuffer: 16 * 1024 * 1024,
      });
      rows.push(...stdout.split('\n').filter((line) => line.startsWith('[')).map((line) => JSON.parse(line) as string[]));
    } catch (error) {
      const stdout = String((error as { stdout?: string }).stdout ?? '');
      rows.push(...stdout.split('\n').filter((line) => line.startsWith('[')).map((line) => JSON.parse(line) as string[]));
      console.log(`  ${name}: failed (${String((error as Error).message).split('\n').find((line) => line.startsWith('Error')) ?? 'see above'})`);
    }
  }
  const widths = HEADER.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((cell, i) => cell.padEnd(widths[i] as number)).join('  ');
  console.log('');
  console.log(line(HEADER));
  for (const row of rows) console.log(line(row));
  console.log('');
  console.log('ratio = function / direct (same commands, same loopback source server); realtime = media seconds per wall second of the function');
  console.log('qemu rows: arm64 binaries emulated on this x86_64 machine, proof that every command works, not a speed figure for Graviton');
}

if (BINARIES === undefined) await main();
else await measure(binaries(BINARIES));
