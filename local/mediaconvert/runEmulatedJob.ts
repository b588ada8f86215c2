import { execFile, spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { promisify } from 'node:util';
import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { type EmulatedCommand, emulatedFfmpegCommand } from './emulatedFfmpegCommand.js';
import { foldShortFinalSegment } from '../../lambdas/process-upload/hls/foldShortFinalSegment.js';
import { emulatedMasterPlaylist, type MeasuredVariant, playlistSegments, variantSeconds } from './emulatedMasterPlaylist.js';
import type { JobPhase, OutputGroupDetail } from './jobStateChangeEvent.js';
import type { JobWire } from './jobWireSchema.js';
import { parseS3Url, s3Url } from './s3Url.js';

const exec = promisify(execFile);

export interface EmulatedJobContext {
  readonly job: JobWire;
  readonly s3: S3Client;
  readonly ffmpeg: string;
  readonly ffprobe: string;
  /** Aborted by CancelJob (or the emulator closing): ffmpeg is killed and the job stops where it is. */
  readonly signal: AbortSignal;
  /** The phase the job is in and how far that phase is (0-100); framesDecoded while transcoding. */
  readonly onProgress: (phase: JobPhase, percent: number, framesDecoded?: number) => void;
  /** ffmpeg's process id while it runs, then undefined. */
  readonly onFfmpeg: (pid: number | undefined) => void;
}

export type EmulatedJobOutcome =
  | { readonly status: 'COMPLETE'; readonly outputGroupDetails: readonly OutputGroupDetail[] }
  | { readonly status: 'ERROR'; readonly errorCode: number; readonly errorMessage: string }
  | { readonly status: 'CANCELED' };

/**
 * MediaConvert error codes the emulator reports (User Guide, mediaconvert_error_codes.html).
 * Which code AWS gives for each local cause is our best reading of that table, not verified.
 */
export const EMULATED_ERROR_CODES = {
  /** Input Error: the input cannot be read or decoded. */
  input: 1010,
  /** Video Error: no video stream in the input. */
  noVideo: 1020,
  /** Audio Error: an audio selector, but no audio stream. */
  noAudio: 1021,
  /** Unsupported Codec. */
  unsupportedCodec: 1030,
  /** Permissions: S3 refused a write. */
  permissions: 1401,
  /** File or bucket not found (the destination). */
  notFound: 1404,
  unknown: 1999,
} as const;

class JobFailure extends Error {
  constructor(
    readonly errorCode: number,
    message: string,
  ) {
    super(message);
  }
}

class JobCanceled extends Error {}

/**
 * Runs one job as MediaConvert would, with ffmpeg: PROBING (the input is downloaded from S3 and
 * probed), TRANSCODING (one ffmpeg run, see emulatedFfmpegCommand), UPLOADING (every file to
 * its destination, the master playlist written from the measured variants). Outputs reach S3
 * only in the upload phase, after ffmpeg has finished: a job canceled or failed before then
 * leaves nothing behind. (AWS writes segments as it goes, so a real canceled job may leave
 * partial outputs: the status handler cleans up either way.)
 */
export async function runEmulatedJob(context: EmulatedJobContext): Promise<EmulatedJobOutcome> {
  const workDir = await mkdtemp(join(tmpdir(), 'mediaconvert-job-'));
  try {
    context.onProgress('PROBING', 0);
    const inputPath = join(workDir, 'input');
    await download(context, inputPath);
    const probe = await probeInput(context, inputPath);
    context.onProgress('PROBING', 100);

    const command = emulatedFfmpegCommand(context.job, inputPath, workDir);
    await Promise.all([mkdir(command.hls.dir, { recursive: true }), mkdir(command.frames.dir, { recursive: true })]);
    await transcode(context, command, Math.min(probe.seconds ?? command.clipSeconds, command.clipSeconds));

    const outputGroupDetails = await upload(context, command, Math.min(probe.seconds ?? command.clipSeconds, command.clipSeconds));
    return { status: 'COMPLETE', outputGroupDetails };
  } catch (error) {
    if (error instanceof JobCanceled || context.signal.aborted) return { status: 'CANCELED' };
    if (error instanceof JobFailure) return { status: 'ERROR', errorCode: error.errorCode, errorMessage: error.message };
    return { status: 'ERROR', errorCode: EMULATED_ERROR_CODES.unknown, errorMessage: error instanceof Error ? error.message : String(error) };
  } finally {
    context.onFfmpeg(undefined);
    await rm(workDir, { recursive: true, force: true });
  }
}

function checkCanceled(context: EmulatedJobContext): void {
  if (context.signal.aborted) throw new JobCanceled();
}

async function download(context: EmulatedJobContext, path: string): Promise<void> {
  const url = context.job.settings.inputs[0].fileInput;
  const { bucket, key } = parseS3Url(url);
  try {
    const { Body } = await context.s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }), { abortSignal: context.signal });
    await pipeline(Body as Readable, createWriteStream(path), { signal: context.signal });
  } catch (error) {
    checkCanceled(context);
    const reason = error instanceof Error ? error.name : String(error);
    throw new JobFailure(EMULATED_ERROR_CODES.input, `Unable to open input file [${url}]: [${reason}]`);
  }
  checkCanceled(context);
}

async function probeInput(context: EmulatedJobContext, path: string): Promise<{ seconds: number | undefined }> {
  let probe: { streams?: { codec_type?: string; codec_name?: string }[]; format?: { duration?: string } };
  try {
    const { stdout } = await exec(context.ffprobe, ['-v', 'error', '-print_format', 'json', '-show_streams', '-show_format', path], {
      signal: context.signal,
      timeout: 60_000,
      maxBuffer: 16 * 1024 * 1024,
    });
    probe = JSON.parse(stdout);
  } catch (error) {
    checkCanceled(context);
    const stderr = (error as { stderr?: string }).stderr ?? '';
    throw new JobFailure(EMULATED_ERROR_CODES.input, firstLine(stderr) ?? 'Failed probe/open of the input');
  }
  const streams = probe.streams ?? [];
  const video = streams.find((stream) => stream.codec_type === 'video');
  if (!video) throw new JobFailure(EMULATED_ERROR_CODES.noVideo, 'Video Error: no video stream in the input');
  if (!video.codec_name || video.codec_name === 'none') {
    throw new JobFailure(EMULATED_ERROR_CODES.unsupportedCodec, 'Unsupported codec: the input video cannot be decoded');
  }
  if (context.job.settings.inputs[0].audioSelectors && !streams.some((stream) => stream.codec_type === 'audio')) {
    throw new JobFailure(EMULATED_ERROR_CODES.noAudio, 'Audio Error: no audio stream for Audio Selector 1');
  }
  const seconds = Number.parseFloat(probe.format?.duration ?? '');
  return { seconds: Number.isFinite(seconds) && seconds > 0 ? seconds : undefined };
}

async function transcode(context: EmulatedJobContext, command: EmulatedCommand, expectedSeconds: number): Promise<void> {
  checkCanceled(context);
  context.onProgress('TRANSCODING', 0, 0);
  const child = spawn(context.ffmpeg, command.args, { stdio: ['ignore', 'pipe', 'pipe'] });
  context.onFfmpeg(child.pid);
  const kill = () => child.kill('SIGKILL');
  context.signal.addEventListener('abort', kill, { once: true });

  let frames = 0;
  createInterface({ input: child.stdout }).on('line', (line) => {
    const [key, value] = line.split('=', 2);
    if (key === 'frame') frames = Number(value) || frames;
    if (key === 'out_time_us' && expectedSeconds > 0) {
      const percent = Math.min(99, Math.floor(Number(value) / 10_000 / expectedSeconds));
      if (percent >= 0) context.onProgress('TRANSCODING', percent, frames);
    }
  });
  const stderr: string[] = [];
  createInterface({ input: child.stderr }).on('line', (line) => {
    if (stderr.length < 5 && line.trim() !== '') stderr.push(line.trim());
  });

  const exitCode = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve(code));
  }).finally(() => {
    context.signal.removeEventListener('abort', kill);
    context.onFfmpeg(undefined);
  });
  checkCanceled(context);
  if (exitCode !== 0) throw new JobFailure(EMULATED_ERROR_CODES.input, stderr[0] ?? `ffmpeg exited with ${String(exitCode)}`);
  context.onProgress('TRANSCODING', 100, frames);
}

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  m3u8: 'application/vnd.apple.mpegurl',
  ts: 'video/MP2T',
  jpg: 'image/jpeg',
};

async function upload(context: EmulatedJobContext, command: EmulatedCommand, inputSeconds: number): Promise<OutputGroupDetail[]> {
  checkCanceled(context);
  context.onProgress('UPLOADING', 0);
  const { hls, frames } = command;
  const measured: MeasuredVariant[] = [];
  for (const variant of hls.variants) {
    if (hls.minFinalSegmentSeconds > 0) await foldShortFinalSegment(join(hls.dir, variant.playlist), hls.minFinalSegmentSeconds);
    const playlist = await readFile(join(hls.dir, variant.playlist), 'utf8');
    const segments = await Promise.all(
      playlistSegments(playlist).map(async (segment) => ({ ...segment, bytes: (await stat(join(hls.dir, segment.uri))).size })),
    );
    measured.push({ variant, segments });
  }
  await writeFile(join(hls.dir, hls.master), emulatedMasterPlaylist(measured));

  const captures = (await readdir(frames.dir)).sort();
  const lastCapture = captures.at(-1);
  if (lastCapture === undefined) throw new JobFailure(EMULATED_ERROR_CODES.unknown, 'Frame capture wrote no image');

  const files = [
    ...(await readdir(hls.dir)).sort().map((name) => ({ dir: hls.dir, name, destination: hls.destination })),
    ...captures.map((name) => ({ dir: frames.dir, name, destination: frames.destination })),
  ];
  for (const [i, file] of files.entries()) {
    checkCanceled(context);
    const { bucket, prefix } = file.destination;
    try {
      await context.s3.send(
        new PutObjectCommand({
          Bucket: bucket,
          Key: `${prefix}${file.name}`,
          Body: await readFile(join(file.dir, file.name)),
          ContentType: CONTENT_TYPES[file.name.slice(file.name.lastIndexOf('.') + 1)] ?? 'application/octet-stream',
        }),
        { abortSignal: context.signal },
      );
    } catch (error) {
      checkCanceled(context);
      const name = error instanceof Error ? error.name : String(error);
      const code = name === 'AccessDenied' ? EMULATED_ERROR_CODES.permissions : name === 'NoSuchBucket' ? EMULATED_ERROR_CODES.notFound : EMULATED_ERROR_CODES.unknown;
      throw new JobFailure(code, `Unable to write to output file [${s3Url(bucket, prefix + file.name)}]: [${name}]`);
    }
    context.onProgress('UPLOADING', Math.floor(((i + 1) * 100) / files.length));
  }

  const hlsUrl = (name: string) => s3Url(hls.destination.bucket, hls.destination.prefix + name);
  return [
    {
      type: 'HLS_GROUP',
      outputDetails: measured.map((variantMeasure) => ({
        outputFilePaths: [hlsUrl(variantMeasure.variant.playlist)],
        durationInMs: Math.round(variantSeconds(variantMeasure) * 1000),
        videoDetails: { widthInPx: variantMeasure.variant.width, heightInPx: variantMeasure.variant.height },
      })),
      playlistFilePaths: [hlsUrl(hls.master)],
    },
    {
      type: 'FILE_GROUP',
      outputDetails: [
        {
          // AWS lists only the last capture (file-group-with-frame-capture-output.html).
          outputFilePaths: [s3Url(frames.destination.bucket, frames.destination.prefix + lastCapture)],
          durationInMs: Math.round(inputSeconds * 1000),
          videoDetails: { widthInPx: frames.width, heightInPx: frames.height },
        },
      ],
    },
  ];
}

function firstLine(text: string): string | undefined {
  return text
    .split('\n')
    .map((line) => line.trim())
    .find((line) => line !== '');
}
