import { ProcessingError } from '../../shared/errors.js';
import type { MediaKind } from '../../shared/mediaPolicy.js';
import { FAILURE_CODES } from '../../shared/failureCodes.js';
import type { MediaFacts } from './mediaFacts.js';
import type { ProcessingLimits } from '../plan/processingLimits.js';
import { acceptedDemuxer } from './sourceInput.js';
import { maxVideoSeconds } from '../plan/videoWorkBudget.js';

/** MediaFacts that passed validation: their kind is the declared one, read by `demuxer`, which every later run forces. */
export type ValidMedia = MediaFacts & { readonly kind: MediaKind; readonly demuxer: string };

/**
 * Checks a probed file against what the client declared and the limits. Each failure is final
 * (retrying cannot change the file) and says what was found and what is accepted.
 */
export function validateMedia(facts: MediaFacts, declared: MediaKind, limits: ProcessingLimits): ValidMedia {
  if (facts.kind !== declared) {
    throw new ProcessingError(
      FAILURE_CODES.unsupportedMedia,
      `The file was declared as ${declared} but holds ${facts.found}; upload a file of the declared kind`,
    );
  }
  const demuxer = acceptedDemuxer(facts.formatName, declared);
  if (demuxer === undefined) {
    throw new ProcessingError(
      FAILURE_CODES.unsupportedMedia,
      `The file is in the ${facts.formatName} format, which is not accepted for ${declared}; upload a file in an accepted format`,
    );
  }
  if (facts.kind !== 'image') {
    const max = limits.maxDurationSeconds[facts.kind];
    if (facts.durationSeconds !== undefined && facts.durationSeconds > max) {
      throw new ProcessingError(
        FAILURE_CODES.tooLong,
        `The ${facts.kind} lasts ${formatDuration(facts.durationSeconds)}; at most ${formatDuration(max)} is accepted`,
      );
    }
  }
  if (facts.width !== undefined && facts.height !== undefined && (facts.width > limits.maxWidth || facts.height > limits.maxHeight)) {
    throw new ProcessingError(
      FAILURE_CODES.tooLargeResolution,
      `The ${facts.kind} is ${facts.width}x${facts.height} pixels; at most ${limits.maxWidth}x${limits.maxHeight} is accepted`,
    );
  }
  if (facts.kind === 'video' && facts.width !== undefined && facts.height !== undefined && facts.durationSeconds !== undefined) {
    const fps = facts.decodeFps ?? facts.fps;
    const max = maxVideoSeconds(limits, facts.width, facts.height, fps);
    if (facts.durationSeconds > max) {
      const rate = fps === undefined ? '' : ` at ${Number(fps.toFixed(2))} fps`;
      throw new ProcessingError(
        FAILURE_CODES.tooLong,
        `The video is ${facts.width}x${facts.height}${rate} for ${formatDuration(facts.durationSeconds)}: more than one processing run can encode; at that size and rate at most ${formatDuration(max)} is accepted`,
      );
    }
  }
  return { ...facts, kind: declared, demuxer };
}

/** `1:02:03`, `4:05`, or `12.5 s` under a minute. */
export function formatDuration(seconds: number): string {
  if (seconds < 60) return `${Number(seconds.toFixed(1))} s`;
  const whole = Math.round(seconds);
  const h = Math.floor(whole / 3600);
  const m = Math.floor((whole % 3600) / 60);
  const s = whole % 60;
  const mm = h > 0 ? String(m).padStart(2, '0') : String(m);
  return `${h > 0 ? `${h}:` : ''}${mm}:${String(s).padStart(2, '0')}`;
}
