import { ProcessingError } from '../../shared/errors.js';
import { FAILURE_CODES } from '../../shared/failureCodes.js';
import type { MediaInfo } from '../../shared/uploadRecord.js';
import type { ValidMedia } from '../probe/validateMedia.js';
import { AAC_LC_CODEC, avc1Codec } from './h264Codec.js';
import { MASTER_PLAYLIST, POSTER, renditionPlaylist, SPRITE, THUMBNAILS_VTT } from './outputNames.js';
import { posterTime } from './posterTime.js';
import { planThumbnails, type ThumbnailPlan } from './thumbnailPlan.js';
import { planRenditions, type RenditionPlan } from './videoLadder.js';

/** Target HLS segment length. */
export const VIDEO_SEGMENT_SECONDS = 6;
/**
 * Keyframes come on one clock in every rendition, at the same instants, so every segment starts
 * with one and players switch cleanly; the interval divides the segment length. Every 2 s, as
 * Apple's HLS authoring spec recommends: a viewer who changes quality by hand waits at most 2 s
 * for a picture (with 6 s it froze for up to 6 s).
 */
export const VIDEO_KEYFRAME_SECONDS = 2;
/** How far past the duration limit an original is read, so that reaching the limit shows. */
export const READ_LIMIT_MARGIN_SECONDS = 1;

/**
 * What to make of one video, whichever transcoder makes it: the ladder, the segment and
 * keyframe clock, the poster frame, the read limit, and (when the length is known) the
 * thumbnail grid. The ffmpeg commands and the MediaConvert job are both built from this.
 */
export interface VideoPlan {
  /** Smallest first. */
  readonly renditions: readonly RenditionPlan[];
  readonly videoStreamIndex: number;
  /** Undefined for a video without sound: no audio is encoded. */
  readonly audioStreamIndex: number | undefined;
  readonly segmentSeconds: number;
  readonly keyframeSeconds: number;
  /** When the poster frame is taken; it is the top rendition's size. */
  readonly posterAtSeconds: number;
  /** The longest video accepted on this path. */
  readonly maxSeconds: number;
  /** Read at most this far into the original (the limit plus a margin, whatever it states). */
  readonly readLimitSeconds: number;
  /** The thumbnail grid; absent when the video states no length (planned once encoded). */
  readonly thumbnails: ThumbnailPlan | undefined;
}

/**
 * Plans a validated video. `maxSecondsFor` gives the longest video of that picture the chosen
 * transcoder accepts. A picture no H.264 level holds (very wide and fast) is a final failure,
 * not a fault to retry.
 */
export function planVideo(media: ValidMedia, maxSecondsFor: (width: number, height: number) => number): VideoPlan {
  const { width, height, videoStreamIndex } = media;
  if (width === undefined || height === undefined || videoStreamIndex === undefined) {
    throw new ProcessingError(FAILURE_CODES.unsupportedMedia, 'The video states no picture size');
  }
  const maxSeconds = maxSecondsFor(width, height);
  const renditions = ladderFor(width, height, media.fps);
  const smallest = renditions[0] as RenditionPlan;
  return {
    renditions,
    videoStreamIndex,
    audioStreamIndex: media.audioStreamIndex,
    segmentSeconds: VIDEO_SEGMENT_SECONDS,
    keyframeSeconds: VIDEO_KEYFRAME_SECONDS,
    posterAtSeconds: posterTime(media.durationSeconds),
    maxSeconds,
    readLimitSeconds: maxSeconds + READ_LIMIT_MARGIN_SECONDS,
    thumbnails: media.durationSeconds === undefined ? undefined : planThumbnails(media.durationSeconds, smallest.width, smallest.height),
  };
}

/** The largest rendition: the poster's size. */
export function topRendition(plan: VideoPlan): RenditionPlan {
  return plan.renditions[plan.renditions.length - 1] as RenditionPlan;
}

/** RFC 6381 codec strings of a rendition, as the master playlist's CODECS attribute lists them. */
export function renditionCodecs(rendition: RenditionPlan, hasAudio: boolean): string[] {
  return hasAudio ? [avc1Codec(rendition.level), AAC_LC_CODEC] : [avc1Codec(rendition.level)];
}

/** A rendition's bitrates as measured from what was encoded, bits per second. */
export interface MeasuredRendition {
  readonly peakBandwidth: number;
  readonly averageBandwidth: number;
}

/**
 * The record's `media` for a finished video: the same fields and URL shapes whichever
 * transcoder made the outputs.
 */
export function videoMediaInfo(options: {
  readonly plan: VideoPlan;
  readonly media: ValidMedia;
  readonly durationSeconds: number;
  readonly measured: readonly MeasuredRendition[];
  readonly outputUrl: (relativePath: string) => string;
}): MediaInfo {
  const { plan, media, outputUrl } = options;
  const hasAudio = plan.audioStreamIndex !== undefined;
  return {
    kind: 'video',
    durationSeconds: round3(options.durationSeconds),
    width: media.width,
    height: media.height,
    fps: media.fps === undefined ? undefined : round3(media.fps),
    videoCodec: media.videoCodec,
    audioCodec: media.audioCodec,
    bitrate: media.bitrate,
    hasAudio,
    hlsUrl: outputUrl(MASTER_PLAYLIST),
    playable: true,
    renditions: plan.renditions.map((r, i) => ({
      width: r.width,
      height: r.height,
      bandwidth: options.measured[i]?.peakBandwidth ?? 0,
      codecs: renditionCodecs(r, hasAudio).join(','),
      url: outputUrl(renditionPlaylist(r.name)),
    })),
    posterUrl: outputUrl(POSTER),
    thumbnails: { spriteUrl: outputUrl(SPRITE), vttUrl: outputUrl(THUMBNAILS_VTT) },
  };
}

function ladderFor(width: number, height: number, fps: number | undefined): RenditionPlan[] {
  try {
    return planRenditions({ width, height, fps });
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    throw new ProcessingError(
      FAILURE_CODES.tooLargeResolution,
      `The video is ${width}x${height}${fps === undefined ? '' : ` at ${round3(fps)} fps`}, more than H.264 can encode; a smaller picture or a lower frame rate is accepted`,
      { cause: error },
    );
  }
}

function round3(value: number): number {
  return Math.round(value * 1000) / 1000;
}
