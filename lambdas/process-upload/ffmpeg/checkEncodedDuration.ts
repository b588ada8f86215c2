import { ProcessingError } from '../../shared/errors.js';
import { FAILURE_CODES } from '../../shared/failureCodes.js';
import { formatDuration } from '../probe/validateMedia.js';
import type { MediaKind } from '../../shared/mediaPolicy.js';

/** Encoded output may fall this far short of the stated duration (rounding, trailing audio priming) ... */
const SHORTFALL_RATIO = 0.9;
/** ... plus this much, for very short clips. */
const SHORTFALL_SECONDS = 0.5;
/** Encoded output may run this far past the limit (the encoder's last frames) without the file being too long. */
const OVERRUN_SECONDS = 0.5;

/**
 * Compares what was encoded with what the file claimed. ffmpeg exits successfully on a
 * truncated file whose index survived (it stops at the first missing byte), so a much shorter
 * output is the sign of a damaged upload. Every original is read only up to the limit plus
 * the plan's READ_LIMIT_MARGIN_SECONDS, whatever it states (nothing, or less than it holds: a wrong or
 * crafted header): output past the limit means the file is too long.
 */
export function checkEncodedDuration(options: {
  readonly kind: Exclude<MediaKind, 'image'>;
  readonly statedSeconds: number | undefined;
  readonly encodedSeconds: number;
  readonly maxSeconds: number;
}): void {
  const { statedSeconds, encodedSeconds } = options;
  if (encodedSeconds <= 0) {
    throw new ProcessingError(FAILURE_CODES.transcodeFailed, `No ${options.kind} could be decoded from the file; it may be damaged`);
  }
  if (encodedSeconds > options.maxSeconds + OVERRUN_SECONDS) {
    throw new ProcessingError(
      FAILURE_CODES.tooLong,
      `The ${options.kind} lasts longer than ${formatDuration(options.maxSeconds)}, the most that is accepted`,
    );
  }
  if (statedSeconds !== undefined && encodedSeconds < statedSeconds * SHORTFALL_RATIO - SHORTFALL_SECONDS) {
    throw new ProcessingError(
      FAILURE_CODES.transcodeFailed,
      `Only ${formatDuration(encodedSeconds)} of the ${formatDuration(statedSeconds)} the file states could be decoded; it is truncated or damaged`,
    );
  }
}
