import { abortMultipartUpload } from '../shared/abortMultipartUpload.js';
import { InvalidStateError, NotFoundError } from '../shared/errors.js';
import { logger } from '../shared/logger.js';
import { sourceObjectSize } from '../shared/sourceObjectSize.js';
import { storedChecksumFields } from '../shared/storedObjectChecksum.js';
import { transition } from '../shared/transition.js';
import type { UploadRecord } from '../shared/uploadRecord.js';
import { findDueUploads } from './findDueUploads.js';

/** What one run did. `failed` uploads hit an unexpected error and stay due for the next run. */
export interface ExpiryCounts {
  readonly expired: number;
  readonly skipped: number;
  readonly recovered: number;
  readonly failed: number;
}

type Outcome = keyof ExpiryCounts;

/** Per run, so a backlog never outlasts the function's timeout; the rest stays due for the next run. */
export const MAX_EXPIRIES_PER_RUN = 500;
/** Uploads handled at once: a few S3 and DynamoDB calls each, kept well under any throttling. */
const CONCURRENCY = 10;

/**
 * Expires the initiated uploads whose deadline passed: `initiated → expired`, then the abort
 * (the state first, so a racing complete loses instead of completing an expired upload). An
 * upload whose original already exists was completed in S3 by a complete call that crashed
 * before its state write: it moves to `uploaded` instead. An upload another writer moved on
 * first is skipped. Parts left by a crash between the state write and the abort are dropped by
 * the uploads bucket's abort-incomplete-multipart lifecycle rule, or by a DELETE of the upload.
 */
export async function expireUploads(now: Date): Promise<ExpiryCounts> {
  const due = await findDueUploads(now, MAX_EXPIRIES_PER_RUN);
  const counts: Record<Outcome, number> = { expired: 0, skipped: 0, recovered: 0, failed: 0 };
  for (let start = 0; start < due.length; start += CONCURRENCY) {
    const outcomes = await Promise.all(due.slice(start, start + CONCURRENCY).map((record) => expireUpload(record, now)));
    for (const outcome of outcomes) counts[outcome] += 1;
  }
  logger.info('Expiry run finished', { due: due.length, ...counts });
  return counts;
}

async function expireUpload(record: UploadRecord, now: Date): Promise<Outcome> {
  try {
    if ((await sourceObjectSize(record.sourceKey)) !== undefined) {
      // Only complete-upload completes a multipart upload, and only after checking the size.
      await transition(record.uploadId, 'initiated', 'uploaded', await storedChecksumFields(record), { now });
      return 'recovered';
    }
    await transition(record.uploadId, 'initiated', 'expired', {}, { now });
    if (record.multipartUploadId !== undefined) await abortMultipartUpload(record.sourceKey, record.multipartUploadId);
    return 'expired';
  } catch (error) {
    if (error instanceof InvalidStateError || error instanceof NotFoundError) return 'skipped';
    logger.error('Could not expire an upload; the next run tries again', { uploadId: record.uploadId, error: error as Error });
    return 'failed';
  }
}
