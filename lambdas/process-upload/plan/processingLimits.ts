import * as z from 'zod/mini';
import { parseConfig } from '../../shared/validation/parseConfig.js';
import { ConfigError } from '../../shared/errors.js';
import { videoPixelBudget } from './videoWorkBudget.js';

/**
 * What the process function accepts after probing. The CDK construct takes these as props and
 * passes them as `PROCESSING_LIMITS` (JSON, merged over the defaults). Duration limits exist
 * because one Lambda invocation (at most 15 minutes) must finish the whole transcode; longer
 * media belongs to the MediaConvert path.
 */
export interface ProcessingLimits {
  /** Longest accepted duration per time-based kind, in seconds. */
  readonly maxDurationSeconds: { readonly audio: number; readonly video: number };
  /** Largest accepted width in pixels, as displayed (after rotation). */
  readonly maxWidth: number;
  /** Largest accepted height in pixels, as displayed (after rotation). */
  readonly maxHeight: number;
  /**
   * The work one run can do on a video: width × height × frames per second × seconds of the
   * source. A video above it is refused before encoding (it could not finish in the run), and
   * one that states no duration is read only as far as fits. The stack derives it from the
   * function's memory and timeout (`videoPixelBudget`).
   */
  readonly maxVideoPixels: number;
}

export const DEFAULT_PROCESSING_LIMITS: ProcessingLimits = {
  maxDurationSeconds: { audio: 3 * 3600, video: 20 * 60 },
  maxWidth: 8192,
  maxHeight: 8192,
  // The stack's default function: 10,240 MB, 15 minutes.
  maxVideoPixels: videoPixelBudget(10_240, 900),
};

const positive = () => z.number().check(z.positive());

const ProcessingLimitsOverrides = z.strictObject({
  maxDurationSeconds: z.optional(z.strictObject({ audio: z.optional(positive()), video: z.optional(positive()) })),
  maxWidth: z.optional(z.int().check(z.positive())),
  maxHeight: z.optional(z.int().check(z.positive())),
  maxVideoPixels: z.optional(positive()),
});

export type ProcessingLimitsOverrides = z.infer<typeof ProcessingLimitsOverrides>;

/** Merges overrides over the defaults; throws a ConfigError naming the bad field. */
export function resolveProcessingLimits(overrides: unknown, source = 'processing limits'): ProcessingLimits {
  const given = parseConfig(ProcessingLimitsOverrides, overrides, source);
  return {
    maxDurationSeconds: {
      audio: given.maxDurationSeconds?.audio ?? DEFAULT_PROCESSING_LIMITS.maxDurationSeconds.audio,
      video: given.maxDurationSeconds?.video ?? DEFAULT_PROCESSING_LIMITS.maxDurationSeconds.video,
    },
    maxWidth: given.maxWidth ?? DEFAULT_PROCESSING_LIMITS.maxWidth,
    maxHeight: given.maxHeight ?? DEFAULT_PROCESSING_LIMITS.maxHeight,
    maxVideoPixels: given.maxVideoPixels ?? DEFAULT_PROCESSING_LIMITS.maxVideoPixels,
  };
}
