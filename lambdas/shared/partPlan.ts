import { TooLargeError, ValidationError } from './errors.js';
import { MiB, S3_MAX_PART_COUNT, S3_MAX_PART_SIZE, S3_MIN_PART_SIZE, type UploadPolicy } from './mediaPolicy.js';

/** How a file is cut into multipart-upload parts. */
export interface PartPlan {
  readonly partSize: number;
  readonly partCount: number;
  /** Bytes in part `partNumber` (1-based): `partSize`, except the last part, which holds the rest. */
  partLength(partNumber: number): number;
}

/**
 * Picks the part size for a file of `size` bytes.
 *
 * A size the client asks for is taken as it is, if the policy allows it and it yields at most
 * 10,000 parts; otherwise 400 INVALID_PART_SIZE. Without one, the policy's default is grown
 * (in whole MiB) until the parts fit in one response's worth of URLs, so a client gets every
 * part URL in its first round trip, and never beyond the policy's largest part: past that,
 * the largest part gives the fewest round trips. A file that needs more than 10,000 parts
 * even then is 413 TOO_LARGE.
 */
export function partPlan(size: number, policy: UploadPolicy, requestedPartSize?: number): PartPlan {
  if (!Number.isSafeInteger(size) || size < 1) throw new RangeError(`size must be a positive integer, got ${size}`);
  const { minPartSize, maxPartSize } = partSizeLimits(policy);

  const partSize =
    requestedPartSize === undefined
      ? chosenPartSize(size, policy, minPartSize, maxPartSize)
      : checkedPartSize(size, requestedPartSize, minPartSize, maxPartSize);
  return partPlanOf(size, partSize);
}

/** The part sizes a client may ask for: the policy's range within S3's own limits, which bind whatever the policy says. */
export function partSizeLimits(policy: UploadPolicy): { readonly minPartSize: number; readonly maxPartSize: number } {
  return {
    minPartSize: Math.max(policy.minPartSize, S3_MIN_PART_SIZE),
    maxPartSize: Math.min(policy.maxPartSize, S3_MAX_PART_SIZE),
  };
}

/** The plan of an upload whose part size is already fixed (e.g. read back from its record). */
export function partPlanOf(size: number, partSize: number): PartPlan {
  const partCount = Math.ceil(size / partSize);
  const lastLength = size - (partCount - 1) * partSize;
  return {
    partSize,
    partCount,
    partLength(partNumber: number): number {
      if (!Number.isInteger(partNumber) || partNumber < 1 || partNumber > partCount) {
        throw new RangeError(`partNumber must be an integer from 1 to ${partCount}, got ${partNumber}`);
      }
      return partNumber === partCount ? lastLength : partSize;
    },
  };
}

function checkedPartSize(size: number, requested: number, minPartSize: number, maxPartSize: number): number {
  if (!Number.isSafeInteger(requested) || requested < minPartSize || requested > maxPartSize) {
    throw new ValidationError(
      `partSize must be an integer from ${minPartSize} to ${maxPartSize} bytes, got ${requested}`,
      'INVALID_PART_SIZE',
    );
  }
  const partCount = Math.ceil(size / requested);
  if (partCount > S3_MAX_PART_COUNT) {
    throw new ValidationError(
      `partSize ${requested} cuts ${size} bytes into ${partCount} parts; at most ${S3_MAX_PART_COUNT} are allowed, so use at least ${Math.ceil(size / S3_MAX_PART_COUNT)} bytes`,
      'INVALID_PART_SIZE',
    );
  }
  return requested;
}

function chosenPartSize(size: number, policy: UploadPolicy, minPartSize: number, maxPartSize: number): number {
  const base = Math.min(Math.max(policy.defaultPartSize, minPartSize), maxPartSize);
  const maxParts = Math.min(Math.max(policy.maxPartUrlsPerResponse, 1), S3_MAX_PART_COUNT);
  const fitting = Math.ceil(Math.ceil(size / maxParts) / MiB) * MiB;
  const partSize = Math.min(Math.max(base, fitting), maxPartSize);
  if (Math.ceil(size / partSize) > S3_MAX_PART_COUNT) {
    throw new TooLargeError(
      `${size} bytes do not fit in ${S3_MAX_PART_COUNT} parts of at most ${maxPartSize} bytes`,
    );
  }
  return partSize;
}
