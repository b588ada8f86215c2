import * as z from 'zod/mini';
import { parseConfig } from '../../shared/validation/parseConfig.js';
import { ConfigError } from '../../shared/errors.js';
import type { Transcoder } from '../../../client/types.js';
import type { MediaFacts } from '../probe/mediaFacts.js';
import type { ProcessingLimits } from './processingLimits.js';
import { maxVideoSecondsOfWork } from './videoWorkBudget.js';

/** Which transcoder makes a video's outputs (part of the client package's contract: `PublicUpload.transcoder`). */
export type { Transcoder };

/**
 * The deployer's choice: `auto` sends long or large video to MediaConvert and the rest to the
 * much cheaper ffmpeg run; `ffmpeg` never uses MediaConvert (the stack has none of it);
 * `mediaconvert` sends every video there.
 */
export type TranscoderSetting = 'auto' | Transcoder;
export const TRANSCODER_SETTINGS: readonly TranscoderSetting[] = ['auto', 'ffmpeg', 'mediaconvert'];

/** Where `auto` draws the line, and how long a video MediaConvert takes on. */
export interface MediaConvertRouting {
  /** Video longer than this goes to MediaConvert. */
  readonly routeLongerThanSeconds: number;
  /** Video whose short side is larger than this goes to MediaConvert (4K phone video). */
  readonly routeShortSideOver: number;
  /** The longest video accepted on the MediaConvert path. */
  readonly maxDurationSeconds: number;
}

export const DEFAULT_MEDIACONVERT_ROUTING: MediaConvertRouting = {
  routeLongerThanSeconds: 10 * 60,
  routeShortSideOver: 1080,
  maxDurationSeconds: 4 * 3600,
};

const positive = () => z.number().check(z.positive());
const RoutingOverrides = z.strictObject({
  routeLongerThanSeconds: z.optional(positive()),
  routeShortSideOver: z.optional(z.int().check(z.positive())),
  maxDurationSeconds: z.optional(positive()),
});

/** Merges overrides over the defaults; throws a ConfigError naming the bad field and value. */
export function resolveMediaConvertRouting(overrides: unknown, source = 'MediaConvert routing'): MediaConvertRouting {
  const parsed = parseConfig(RoutingOverrides, overrides ?? {}, source);
  const routing = { ...DEFAULT_MEDIACONVERT_ROUTING, ...parsed };
  if (routing.routeLongerThanSeconds >= routing.maxDurationSeconds) {
    throw new ConfigError(
      `${source}: routeLongerThanSeconds (${routing.routeLongerThanSeconds}) must be below maxDurationSeconds (${routing.maxDurationSeconds}), or no video would reach MediaConvert`,
    );
  }
  return routing;
}

/**
 * Picks the transcoder for a probed file. With `auto`, a video goes to MediaConvert when it is
 * longer than the line, larger than the short-side line, or more work than one ffmpeg run can
 * finish (the pixel budget, not the duration limit: a video too long for the deployer's limit
 * stays on ffmpeg and fails TOO_LONG there); a video that states no length stays on ffmpeg,
 * which reads it only as far as a run can encode.
 */
export function chooseTranscoder(
  facts: MediaFacts,
  setting: TranscoderSetting,
  routing: MediaConvertRouting,
  ffmpegLimits: ProcessingLimits,
): Transcoder {
  if (facts.kind !== 'video' || setting === 'ffmpeg') return 'ffmpeg';
  if (setting === 'mediaconvert') return 'mediaconvert';
  const { width, height, durationSeconds } = facts;
  if (width !== undefined && height !== undefined && Math.min(width, height) > routing.routeShortSideOver) return 'mediaconvert';
  if (durationSeconds === undefined) return 'ffmpeg';
  if (durationSeconds > routing.routeLongerThanSeconds) return 'mediaconvert';
  if (width !== undefined && height !== undefined && durationSeconds > maxVideoSecondsOfWork(ffmpegLimits, width, height, facts.decodeFps ?? facts.fps)) {
    return 'mediaconvert';
  }
  return 'ffmpeg';
}

/**
 * The limits a video is validated against on the MediaConvert path: its own duration limit and
 * no run budget (MediaConvert is not bound by a Lambda run); picture limits stay the deployer's.
 */
export function mediaConvertLimits(limits: ProcessingLimits, routing: MediaConvertRouting): ProcessingLimits {
  return {
    ...limits,
    maxDurationSeconds: { ...limits.maxDurationSeconds, video: routing.maxDurationSeconds },
    maxVideoPixels: Number.POSITIVE_INFINITY,
  };
}
