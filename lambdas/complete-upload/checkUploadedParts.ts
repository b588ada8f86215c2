import type { UploadedPart } from '../shared/listUploadedParts.js';
import type { UploadRecord } from '../shared/uploadRecord.js';

/** What S3 holds, judged against the record: ready to complete, some parts missing, or the wrong size. */
export type PartsCheck =
  | { readonly verdict: 'complete'; readonly parts: readonly UploadedPart[] }
  | { readonly verdict: 'missing'; readonly missing: readonly number[]; readonly missingCount: number }
  | { readonly verdict: 'sizeMismatch'; readonly message: string };

/** How many missing part numbers a response lists; the count says how many there are in all. */
export const MAX_LISTED_MISSING = 50;

/**
 * Parts 1 to `partCount` from what S3 holds, in order, and the numbers of those it lacks (the
 * first MAX_LISTED_MISSING of them, and how many in all).
 */
export function partsOneTo(
  partCount: number,
  uploaded: readonly UploadedPart[],
): { readonly parts: UploadedPart[]; readonly missing: number[]; readonly missingCount: number } {
  const byNumber = new Map(uploaded.map((part) => [part.partNumber, part]));
  const parts: UploadedPart[] = [];
  const missing: number[] = [];
  let missingCount = 0;
  for (let partNumber = 1; partNumber <= partCount; partNumber += 1) {
    const part = byNumber.get(partNumber);
    if (part) {
      parts.push(part);
    } else {
      missingCount += 1;
      if (missing.length < MAX_LISTED_MISSING) missing.push(partNumber);
    }
  }
  return { parts, missing, missingCount };
}

/**
 * Judges the parts S3 holds against the record's plan: parts 1..partCount must all be there,
 * every one but the last exactly `partSize` bytes, and together exactly the declared size (S3
 * itself does not check sizes, and the emulator accepts anything). Parts numbered past
 * `partCount` are not part of the upload and are left out of the completion.
 */
export function checkUploadedParts(
  record: Pick<UploadRecord, 'size' | 'partSize' | 'partCount'>,
  uploaded: readonly UploadedPart[],
): PartsCheck {
  const { parts, missing, missingCount } = partsOneTo(record.partCount, uploaded);
  if (missingCount > 0) return { verdict: 'missing', missing, missingCount };

  const total = parts.reduce((sum, part) => sum + part.size, 0);
  if (total !== record.size) {
    return {
      verdict: 'sizeMismatch',
      message: `S3 holds ${total} bytes in ${record.partCount} parts but ${record.size} bytes were declared`,
    };
  }
  const wrongSize = parts.slice(0, -1).find((part) => part.size !== record.partSize);
  if (wrongSize) {
    return {
      verdict: 'sizeMismatch',
      message: `Part ${wrongSize.partNumber} holds ${wrongSize.size} bytes but every part except the last must hold ${record.partSize} bytes`,
    };
  }
  return { verdict: 'complete', parts };
}
