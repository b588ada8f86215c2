import { FFMPEG_BASE_ARGS, networkInputArgs, seconds } from './ffmpegCommon.js';

export interface PosterInput {
  readonly input: string;
  readonly output: string;
  readonly videoStreamIndex: number;
  /** Where to take the frame from. */
  readonly atSeconds: number;
  readonly width: number;
  readonly height: number;
}

/** The poster comes from 10% into the video, but never later than this. */
export const POSTER_MAX_SECONDS = 10;
export const POSTER_FRACTION = 0.1;

/** When the poster frame is taken: a tenth in (past a black first frame), capped. */
export function posterTime(durationSeconds: number | undefined): number {
  if (durationSeconds === undefined) return 0;
  return Math.min(durationSeconds * POSTER_FRACTION, POSTER_MAX_SECONDS);
}

/**
 * A JPEG poster. `-ss` before `-i` seeks the input: over a presigned URL ffmpeg reads the index,
 * jumps (a range request) to the keyframe before that time and decodes from there, so a poster
 * costs a few megabytes of reading however large the original is.
 */
export function posterArgs(options: PosterInput): string[] {
  return [
    ...FFMPEG_BASE_ARGS,
    ...networkInputArgs(options.input),
    '-ss', seconds(options.atSeconds),
    '-i', options.input,
    '-map', `0:${options.videoStreamIndex}`,
    '-frames:v', '1',
    '-vf', `scale=${options.width}:${options.height},setsar=1`,
    '-q:v', '3',
    '-f', 'image2',
    '-update', '1',
    options.output,
  ];
}
