import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const exec = promisify(execFile);

/** Mean luma (0-255) of a picture's four quarters. */
export interface QuarterLuma {
  readonly topLeft: number;
  readonly topRight: number;
  readonly bottomLeft: number;
  readonly bottomRight: number;
}

/**
 * Which way up the portrait probe came out (white above, black below when upright):
 * `upright`, `upside-down`, `turned` (the light half on a side: the picture was not rotated, or
 * rotated the wrong way) or `unclear` (no half clearly lighter).
 */
export type Orientation = 'upright' | 'upside-down' | 'turned' | 'unclear';

const CLEAR_DIFFERENCE = 64;

export function orientationOf(luma: QuarterLuma): Orientation {
  const top = (luma.topLeft + luma.topRight) / 2;
  const bottom = (luma.bottomLeft + luma.bottomRight) / 2;
  const left = (luma.topLeft + luma.bottomLeft) / 2;
  const right = (luma.topRight + luma.bottomRight) / 2;
  const vertical = top - bottom;
  const horizontal = left - right;
  if (Math.abs(vertical) >= CLEAR_DIFFERENCE && Math.abs(horizontal) < CLEAR_DIFFERENCE / 2) return vertical > 0 ? 'upright' : 'upside-down';
  if (Math.abs(horizontal) >= CLEAR_DIFFERENCE && Math.abs(vertical) < CLEAR_DIFFERENCE / 2) return 'turned';
  return 'unclear';
}

/** The first frame of `path` (image or video, rotation applied as ffmpeg displays it) averaged into 2x2 gray pixels. */
export async function measureQuarterLuma(path: string, ffmpeg = 'ffmpeg'): Promise<QuarterLuma> {
  const { stdout } = await exec(
    ffmpeg,
    ['-hide_banner', '-loglevel', 'error', '-nostdin', '-i', path, '-frames:v', '1', '-vf', 'scale=2:2:flags=area,format=gray', '-f', 'rawvideo', 'pipe:1'],
    { encoding: 'buffer', maxBuffer: 1024 },
  );
  if (stdout.length !== 4) throw new Error(`ffmpeg gave ${stdout.length} bytes for the 2x2 picture of ${path}`);
  return { topLeft: stdout[0] as number, topRight: stdout[1] as number, bottomLeft: stdout[2] as number, bottomRight: stdout[3] as number };
}
