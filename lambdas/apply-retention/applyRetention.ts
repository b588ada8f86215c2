import { abortMultipartUpload } from '../shared/abortMultipartUpload.js';
import { deleteSourceObject } from '../shared/deleteSourceObject.js';
import { InvalidStateError, NotFoundError } from '../shared/errors.js';
import { logger } from '../shared/logger.js';
import type { RetentionSettings } from '../shared/retentionSettings.js';
import { transition } from '../shared/transition.js';
import type { UploadRecord } from '../shared/uploadRecord.js';
import { releaseRemovedUpload } from '../shared/usage/settleUsage.js';
import { findPendingRetention } from './findPendingRetention.js';
import { withdrawMediaOutputs } from '../shared/withdrawMediaOutputs.js';

/** What one run did. `errors` are uploads that hit an unexpected fault and stay due for the next run. */
export interface RetentionCounts {
  /** Failed uploads whose original and outputs were deleted and whose held bytes were released. */
  readonly failedRemoved: number;
  /** Ready uploads whose original was deleted. */
  readonly readyOriginalsDeleted: number;
  /** Ready uploads let go without a delete: ready originals are no longer deleted (the rule changed since). */
  readonly readyOriginalsKept: number;
  /** Uploads removed or handled by someone else between the query and the write. */
  readonly skipped: number;
  readonly errors: number;
}

type Outcome = keyof RetentionCounts;

/** Per status and run, so a backlog never outlasts the function's timeout; the rest stays due. */
export const MAX_PER_STATUS = 500;
/** Uploads handled at once: a few S3 and DynamoDB calls each. */
const CONCURRENCY = 10;

/**
 * Applies the retention rules S3 cannot apply by itself (it knows neither an upload's state nor
 * its owner's usage), for the uploads waiting in the sparse `byPendingRetention` index:
 *
 * - `failed` for `failedUploadsSeconds`: its multipart upload is aborted, its original and any
 *   outputs deleted, and the bytes it held in its owner's usage released. Its record stays (so
 *   the owner still sees why it failed) until the table's TTL removes it.
 * - `ready`, when ready originals are deleted: its original is deleted at the first run after
 *   processing; outputs and record stay. Its bytes stay counted: the upload is still stored.
 *
 * Every step repeats safely (deletes of gone keys succeed, the usage release applies once), and
 * the last step, the record's write through `transition`, takes it out of the index: a run that
 * dies half way leaves it due, and the next run finishes it. An upload deleted meanwhile is skipped.
 * Records themselves are removed by DynamoDB's TTL (`removeAt`, stamped by `transition`).
 */
export async function applyRetention(now: Date, settings: RetentionSettings): Promise<RetentionCounts> {
  const failed = await findPendingRetention('failed', new Date(now.getTime() - settings.failedUploadsSeconds * 1000), MAX_PER_STATUS);
  const ready = await findPendingRetention('ready', now, MAX_PER_STATUS);
  const work = [
    ...failed.map((record) => () => settle(record, () => removeFailedUpload(record, now))),
    ...ready.map((record) => () => settle(record, () => settleReadyOriginal(record, now, settings))),
  ];
  const counts: Record<Outcome, number> = { failedRemoved: 0, readyOriginalsDeleted: 0, readyOriginalsKept: 0, skipped: 0, errors: 0 };
  for (let start = 0; start < work.length; start += CONCURRENCY) {
    const outcomes = await Promise.all(work.slice(start, start + CONCURRENCY).map((run) => run()));
    for (const outcome of outcomes) counts[outcome] += 1;
  }
  logger.info('Retention run finished', { failed: failed.length, ready: ready.length, ...counts });
  return counts;
}

async function removeFailedUpload(record: UploadRecord, now: Date): Promise<Outcome> {
  // A complete that S3 refused leaves parts behind; the bucket's abort rule may come later than this.
  if (record.multipartUploadId !== undefined) await abortMultipartUpload(record.sourceKey, record.multipartUploadId);
  await deleteSourceObject(record.sourceKey);
  // Normally gone at the failure already; what is left may have been served, so it is withdrawn.
  const outputs = await withdrawMediaOutputs(record.uploadId);
  await releaseRemovedUpload(record, now);
  await transition(record.uploadId, 'failed', 'failed', { pendingRetention: null, originalRemovedAt: now.toISOString(), usageReleased: true }, { now });
  logger.info('Removed the bytes of a failed upload', { uploadId: record.uploadId, failedAt: record.updatedAt, outputs });
  return 'failedRemoved';
}

async function settleReadyOriginal(record: UploadRecord, now: Date, settings: RetentionSettings): Promise<Outcome> {
  if (settings.readyOriginals !== 'delete') {
    await transition(record.uploadId, 'ready', 'ready', { pendingRetention: null }, { now });
    return 'readyOriginalsKept';
  }
  await deleteSourceObject(record.sourceKey);
  await transition(record.uploadId, 'ready', 'ready', { pendingRetention: null, originalRemovedAt: now.toISOString() }, { now });
  logger.info('Deleted the original of a processed upload', { uploadId: record.uploadId });
  return 'readyOriginalsDeleted';
}

async function settle(record: UploadRecord, run: () => Promise<Outcome>): Promise<Outcome> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof InvalidStateError || error instanceof NotFoundError) {
      logger.info('An upload left retention before the job handled it', { uploadId: record.uploadId, error: error.message });
      return 'skipped';
    }
    logger.error('Could not apply retention to an upload; the next run tries again', { uploadId: record.uploadId, error: error as Error });
    return 'errors';
  }
}
