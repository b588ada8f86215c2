import { execFile } from 'node:child_process';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const exec = promisify(execFile);

/**
 * Media for the processing tests, generated with the machine's ffmpeg from lavfi sources
 * (`testsrc2`, `sine`): short and small, so the suite stays fast on two cores.
 */
export async function ffmpeg(...args: string[]): Promise<void> {
  await exec('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-nostdin', '-y', ...args]);
}

/** ffprobe (the machine's: the layer's static ffprobe crashes on MPEG-TS) as JSON. */
export async function ffprobeJson(input: string, ...args: string[]): Promise<any> {
  const { stdout } = await exec('ffprobe', ['-v', 'error', '-print_format', 'json', ...args, input]);
  return JSON.parse(stdout);
}

export interface VideoOptions {
  readonly width: number;
  readonly height: number;
  readonly seconds: number;
  readonly audio?: boolean;
  readonly fps?: number;
  readonly faststart?: boolean;
}

export async function makeVideo(path: string, options: VideoOptions): Promise<string> {
  const { width, height, seconds } = options;
  await ffmpeg(
    '-f', 'lavfi', '-i', `testsrc2=size=${width}x${height}:rate=${options.fps ?? 25}:duration=${seconds}`,
    ...(options.audio === false ? [] : ['-f', 'lavfi', '-i', `sine=frequency=440:duration=${seconds}`]),
    '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p',
    ...(options.audio === false ? [] : ['-c:a', 'aac', '-shortest']),
    ...(options.faststart ? ['-movflags', '+faststart'] : []),
    path,
  );
  return path;
}

/**
 * A phone-style portrait video: landscape pixels with a display matrix that turns them a
 * quarter (stream-copied, so the matrix is written as stored, like a phone does).
 */
export async function makePortraitVideo(dir: string, width: number, height: number, seconds: number): Promise<string> {
  const landscape = await makeVideo(join(dir, 'portrait-source.mp4'), { width, height, seconds });
  const path = join(dir, 'portrait.mp4');
  await ffmpeg('-i', landscape, '-c', 'copy', '-metadata:s:v:0', 'rotate=90', path);
  return path;
}

export async function makeAudio(path: string, seconds: number, codecArgs: string[]): Promise<string> {
  await ffmpeg('-f', 'lavfi', '-i', `sine=frequency=330:duration=${seconds}`, ...codecArgs, path);
  return path;
}

export async function makeImage(path: string, width: number, height: number): Promise<string> {
  await ffmpeg('-f', 'lavfi', '-i', `testsrc2=size=${width}x${height}`, '-frames:v', '1', path);
  return path;
}

/**
 * Inserts a minimal EXIF block (APP1, big-endian TIFF, one IFD0 entry: Orientation) after the
 * JPEG's start-of-image marker, as a phone camera writes it.
 */
export async function withExifOrientation(jpegPath: string, outPath: string, orientation: number): Promise<string> {
  const jpeg = await readFile(jpegPath);
  const tiff = Buffer.alloc(26);
  tiff.write('MM', 0, 'latin1');
  tiff.writeUInt16BE(42, 2);
  tiff.writeUInt32BE(8, 4);
  tiff.writeUInt16BE(1, 8);
  tiff.writeUInt16BE(0x0112, 10);
  tiff.writeUInt16BE(3, 12);
  tiff.writeUInt32BE(1, 14);
  tiff.writeUInt16BE(orientation, 18);
  tiff.writeUInt32BE(0, 22);
  const body = Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), tiff]);
  const header = Buffer.alloc(4);
  header.writeUInt16BE(0xffe1, 0);
  header.writeUInt16BE(body.length + 2, 2);
  await writeFile(outPath, Buffer.concat([jpeg.subarray(0, 2), header, body, jpeg.subarray(2)]));
  return outPath;
}

/** The first `fraction` of a file, as an interrupted copy leaves it. */
export async function truncate(path: string, outPath: string, fraction: number): Promise<string> {
  const { size } = await stat(path);
  await writeFile(outPath, (await readFile(path)).subarray(0, Math.floor(size * fraction)));
  return outPath;
}
