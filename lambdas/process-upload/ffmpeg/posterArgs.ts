import { FFMPEG_BASE_ARGS, seconds } from './ffmpegCommon.js';
import { type SourceInput, sourceInputArgs } from '../probe/sourceInput.js';

export interface PosterInput {
  readonly source: SourceInput;
  readonly output: string;
  readonly videoStreamIndex: number;
  /** Where to take the frame from. */
  readonly atSeconds: number;
  readonly width: number;
  readonly height: number;
}

/**
 * A JPEG poster. `-ss` before `-i` seeks the input: ffmpeg reads the index, jumps (a range
 * request) to the keyframe before that time and decodes from there, so a poster costs a few
 * megabytes of reading however large the original is. MPEG-TS has no index to seek by, and
 * ffmpeg 7 fails such an input seek, so there `-ss` goes after `-i` and decodes up to the poster
 * time (at most POSTER_MAX_SECONDS of picture).
 */
export function posterArgs(options: PosterInput): string[] {
  const seek = ['-ss', seconds(options.atSeconds)];
  const seekable = options.source.demuxer !== 'mpegts';
  return [
    ...FFMPEG_BASE_ARGS,
    ...(seekable ? seek : []),
    ...sourceInputArgs(options.source),
    ...(seekable ? [] : seek),
    '-map', `0:${options.videoStreamIndex}`,
    '-frames:v', '1',
    '-vf', `scale=${options.width}:${options.height},setsar=1`,
    '-q:v', '3',
    '-f', 'image2',
    '-update', '1',
    options.output,
  ];
}
