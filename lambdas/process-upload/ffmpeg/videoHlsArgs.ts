import { hlsOutputArgs, seconds, transcodeInputArgs } from './ffmpegCommon.js';
import type { SourceInput } from '../probe/sourceInput.js';
import { frameRate } from '../plan/frameRate.js';
import type { RenditionPlan } from '../plan/videoLadder.js';

export interface VideoHlsInput {
  /** Presigned URL or path of the original. */
  readonly source: SourceInput;
  /** Each rendition goes to `<outputDir>/<name>/index.m3u8` and `seg_00000.ts`…; the folders must exist. */
  readonly outputDir: string;
  readonly renditions: readonly RenditionPlan[];
  readonly videoStreamIndex: number;
  /** Undefined for a video without sound: no audio is mapped. */
  readonly audioStreamIndex: number | undefined;
  /** The source's frame rate; a faster one than the top rendition's is converted down. */
  readonly sourceFps: number | undefined;
  /** Target segment length. */
  readonly segmentSeconds: number;
  /** Keyframe clock; divides the segment length. */
  readonly keyframeSeconds: number;
  /** Stop reading after this long (just past the duration limit, whatever the source states). */
  readonly readLimitSeconds?: number;
}

/** Quality target under each rung's bitrate cap (x264's CRF scale; 23 is its default). */
export const VIDEO_CRF = 23;
/** The encoder's buffer, in seconds at the cap: any stretch may carry this much above the cap. */
export const VIDEO_BUFFER_SECONDS = 2;

/**
 * One ffmpeg run for the whole ladder: the source is decoded once, split, scaled per rung and
 * encoded to one HLS muxer per rendition (not `-var_stream_map` with `-master_pl_name`: the master
 * playlist is written in code, from the segments as measured). Keyframes are forced
 * on the same clock in every rendition (`expr:gte(t,n_forced*S)`, scene cuts off), so segments
 * start on a keyframe at the same instants everywhere and players switch cleanly, even for
 * variable-frame-rate phone video. Rotation is applied by ffmpeg's autorotate before the split.
 */
export function videoHlsArgs(options: VideoHlsInput): string[] {
  const { renditions } = options;
  if (renditions.length === 0) throw new RangeError('videoHlsArgs needs at least one rendition');
  const topFps = Math.max(...renditions.map((r) => r.fps));
  // A source that states no plausible rate (variable-rate WebM, a crafted 2000 fps) is brought to
  // the top rendition's rate too: left alone, the HLS muxer would write whatever rate it claims.
  // A slower source than the plan's lowest rate repeats frames up to it.
  const convertFps = options.sourceFps === undefined || Math.abs(options.sourceFps - topFps) > 0.01;
  const head = `[0:${options.videoStreamIndex}]${convertFps ? `${fpsFilter(topFps)},` : ''}split=${renditions.length}`;
  const graph = [
    `${head}${renditions.map((_, i) => `[s${i}]`).join('')}`,
    // Small rungs run at a fraction of the top rate (plan/videoLadder.ts rungFps).
    ...renditions.map((r, i) => `[s${i}]${r.fps < topFps - 0.01 ? `${fpsFilter(r.fps)},` : ''}scale=${r.width}:${r.height},setsar=1,format=yuv420p[v${i}]`),
  ].join(';');

  const segment = seconds(options.segmentSeconds);
  const keyframe = seconds(options.keyframeSeconds);
  const outputs = renditions.flatMap((r, i) => [
    '-map', `[v${i}]`,
    ...(options.audioStreamIndex === undefined ? [] : ['-map', `0:${options.audioStreamIndex}`]),
    '-c:v', 'libx264',
    '-preset', 'veryfast',
    '-profile:v', 'high',
    '-level:v', r.level.name,
    '-crf', String(VIDEO_CRF),
    '-maxrate', `${r.videoKbps}k`,
    '-bufsize', `${r.videoKbps * VIDEO_BUFFER_SECONDS}k`,
    '-force_key_frames', `expr:gte(t,n_forced*${keyframe})`,
    '-sc_threshold', '0',
    ...(options.audioStreamIndex === undefined ? [] : ['-c:a', 'aac', '-b:a', `${r.audioKbps}k`, '-ac', '2']),
    ...hlsOutputArgs(`${options.outputDir}/${r.name}`, segment, ['independent_segments'], 'event'),
  ]);

  return [
    ...transcodeInputArgs(options.source, options.readLimitSeconds),
    '-filter_complex', graph,
    ...outputs,
  ];
}

/** The fps filter at a planned rate as its exact fraction, so an NTSC rate keeps the source's clock. */
function fpsFilter(fps: number): string {
  const rate = frameRate(fps);
  return `fps=${rate.numerator}/${rate.denominator}`;
}
