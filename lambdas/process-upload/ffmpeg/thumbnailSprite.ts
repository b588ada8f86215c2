import type { SpriteGrid, ThumbnailPlan } from '../plan/thumbnailPlan.js';
import { pipedInputArgs } from '../probe/sourceInput.js';
import { FFMPEG_BASE_ARGS, seconds } from './ffmpegCommon.js';

/**
 * Step 1: one small JPEG per interval, numbered from 1, from the smallest rendition's MPEG-TS
 * segments fed to stdin in order (already scaled down and on local disk, so this decodes little
 * and fetches nothing; no playlist for an hls demuxer to follow).
 */
export function thumbnailFramesArgs(outputPattern: string, plan: ThumbnailPlan): string[] {
  return [
    ...FFMPEG_BASE_ARGS,
    ...pipedInputArgs('mpegts'),
    '-map', '0:v:0',
    '-vf', `fps=1/${seconds(plan.intervalSeconds)},scale=${plan.width}:${plan.height},setsar=1`,
    '-q:v', '5',
    '-f', 'image2',
    outputPattern,
  ];
}

/** Step 2: the frames, fed to stdin in order, tiled into one sprite, left to right, then top to bottom. */
export function spriteArgs(output: string, grid: SpriteGrid): string[] {
  return [
    ...FFMPEG_BASE_ARGS,
    '-framerate', '1',
    ...pipedInputArgs('jpeg_pipe'),
    '-vf', `tile=${grid.columns}x${grid.rows}`,
    '-frames:v', '1',
    '-q:v', '5',
    '-f', 'image2',
    '-update', '1',
    output,
  ];
}
