import type { UploadedPart } from '../shared/listUploadedParts.js';
import { S3_MIN_PART_SIZE } from '../shared/mediaPolicy.js';
import { partsOneTo } from './checkUploadedParts.js';
import type { ClientPart } from './parseCompleteBody.js';

/** An upload that declared no size, measured from the parts S3 holds. */
export type OpenMeasure =
  | { readonly verdict: 'sized'; readonly size: number; readonly partSize: number; readonly partCount: number }
  | { readonly verdict: 'missing'; readonly missing: readonly number[]; readonly missingCount: number; readonly partCount: number }
  | { readonly verdict: 'tooLarge'; readonly message: string }
  | { readonly verdict: 'sizeMismatch'; readonly message: string };

/**
 * The size, part size and part count of an upload whose client never declared its size. The
 * upload is parts 1 to N, N being the highest part the client lists (S3's highest when it lists
 * none): each must be in S3; together at most `maxFileSize` bytes; and, as S3 and the strict
 * path require, every part but the last the same size, at least 5 MiB, and the last no larger.
 */
export function measureOpenUpload(
  uploaded: readonly UploadedPart[],
  clientParts: readonly ClientPart[] | undefined,
  maxFileSize: number,
): OpenMeasure {
  const numbers = (clientParts ?? uploaded).map((part) => part.partNumber);
  const partCount = numbers.length === 0 ? 1 : Math.max(...numbers);
  const { parts, missing, missingCount } = partsOneTo(partCount, uploaded);
  if (missingCount > 0) return { verdict: 'missing', missing, missingCount, partCount };

  const size = parts.reduce((sum, part) => sum + part.size, 0);
  if (size === 0) return { verdict: 'sizeMismatch', message: `S3 holds 0 bytes in ${partCount} parts; an upload holds at least 1 byte` };
  if (size > maxFileSize) {
    return { verdict: 'tooLarge', message: `S3 holds ${size} bytes in ${partCount} parts, over the limit of ${maxFileSize} bytes` };
  }
  const partSize = parts[0]!.size;
  if (partCount > 1 && partSize < S3_MIN_PART_SIZE) {
    return {
      verdict: 'sizeMismatch',
      message: `Part 1 holds ${partSize} bytes; every part but the last must hold at least ${S3_MIN_PART_SIZE} bytes`,
    };
  }
  const last = parts[parts.length - 1]!;
  if (last.size > partSize) {
    return { verdict: 'sizeMismatch', message: `The last part (${last.partNumber}) holds ${last.size} bytes, more than part 1 (${partSize} bytes)` };
  }
  return { verdict: 'sized', size, partSize, partCount };
}
