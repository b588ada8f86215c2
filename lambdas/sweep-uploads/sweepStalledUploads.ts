import { withdrawMediaOutputs } from '../shared/withdrawMediaOutputs.js';
import { InvalidStateError, NotFoundError } from '../shared/errors.js';
import { logger } from '../shared/logger.js';
import { FAILURE_CODES } from '../shared/failureCodes.js';
import type { SweepSettings } from '../shared/sweepSettings.js';
import { transition } from '../shared/transition.js';
import type { UploadErrorInfo, UploadRecord } from '../shared/uploadRecord.js';
import { findStalledUploads } from './findStalledUploads.js';
import { processQueueBacklog } from './processQueueBacklog.js';
import { requeueUpload } from './requeueUpload.js';

/** What one pass did. `errors` are uploads that hit an unexpected fault and stay due for the next run. */
export interface StalledCounts {
  readonly requeued: number;
  readonly failed: number;
  readonly skipped: number;
  readonly errors: number;
}

type Outcome = keyof StalledCounts;

/** Per status and run, so a backlog never outlasts the function's timeout; the rest stays due. */
export const MAX_STALLED_PER_STATUS = 200;
/** Uploads settled at once: a few DynamoDB, SQS and S3 calls each. */
const CONCURRENCY = 10;

/**
 * Settles the uploads whose processing stalled, each with one write through `transition` that
 * holds only if nothing wrote the record since the index was read (`ifWriteId`), so a run that
 * claims or reports progress meanwhile always wins:
 *
 * - `uploaded` with no write for `uploadedStallSeconds`: its event was lost (S3 or the queue
 *   dropped it, or it expired). It is sent again, in S3's shape, so the process function's
 *   normal claim, retries and dead-letter accounting apply, up to `maxRequeues` times; after
 *   that it is failed as PROCESSING_STALLED. While events wait in the queue, the upload's may
 *   be among them: then only an upload untouched for longer than the queue keeps an event counts.
 * - `processing` with no write for `processingStallSeconds` (the queue's visibility timeout
 *   plus a margin): no run is working on it (every run writes when it claims, and ends within
 *   the function timeout) and its event did not come back (a redelivery reclaims, which
 *   writes). It is failed as PROCESSING_STALLED and whatever the dead run published is removed.
 */
export async function sweepStalledUploads(now: Date, settings: SweepSettings): Promise<StalledCounts> {
  const backlog = await processQueueBacklog();
  const uploadedStallSeconds = backlog > 0 ? Math.max(settings.uploadedStallSeconds, settings.queueRetentionSeconds) : settings.uploadedStallSeconds;
  if (backlog > 0) {
    logger.info('Events wait in the process queue; re-sending only events older than its retention', { backlog, uploadedStallSeconds });
  }
  const uploaded = await findStalledUploads('uploaded', secondsBefore(now, uploadedStallSeconds), MAX_STALLED_PER_STATUS);
  const processing = await findStalledUploads('processing', secondsBefore(now, settings.processingStallSeconds), MAX_STALLED_PER_STATUS);

  const work = [
    ...uploaded.map((record) => () => settle(record, () => settleUploaded(record, now, settings))),
    ...processing.map((record) => () => settle(record, () => settleProcessing(record, now))),
  ];
  const counts: Record<Outcome, number> = { requeued: 0, failed: 0, skipped: 0, errors: 0 };
  for (let start = 0; start < work.length; start += CONCURRENCY) {
    const outcomes = await Promise.all(work.slice(start, start + CONCURRENCY).map((run) => run()));
    for (const outcome of outcomes) counts[outcome] += 1;
  }
  logger.info('Stalled uploads settled', { uploaded: uploaded.length, processing: processing.length, backlog, ...counts });
  return counts;
}

async function settleUploaded(record: UploadRecord, now: Date, settings: SweepSettings): Promise<Outcome> {
  const requeues = record.requeueCount ?? 0;
  const guard = { now, ifWriteId: record.writeId };
  if (requeues >= settings.maxRequeues) {
    const error: UploadErrorInfo = {
      code: FAILURE_CODES.processingStalled,
      message: `Processing did not start although the upload was queued for it ${requeues + 1} times; upload the file again later`,
    };
    await transition(record.uploadId, 'uploaded', 'failed', { error, progress: null, stage: null }, guard);
    logger.warn('Failed an upload whose processing never started', { uploadId: record.uploadId, requeues });
    return 'failed';
  }
  // The count first: a send that fails leaves the upload due again, never re-sent without limit.
  await transition(record.uploadId, 'uploaded', 'uploaded', { requeueCount: requeues + 1 }, guard);
  const messageId = await requeueUpload(record, now);
  logger.info('Sent the event of an upload whose processing never started again', {
    uploadId: record.uploadId,
    requeue: requeues + 1,
    since: record.updatedAt,
    messageId,
  });
  return 'requeued';
}

async function settleProcessing(record: UploadRecord, now: Date): Promise<Outcome> {
  // A MediaConvert job may run for hours without a write; the status function asks about silent jobs.
  if (record.runningJob !== undefined) return 'skipped';
  const idleMinutes = Math.floor((now.getTime() - Date.parse(record.updatedAt)) / 60_000);
  const error: UploadErrorInfo = {
    code: FAILURE_CODES.processingStalled,
    message: `Processing stopped without finishing: nothing happened for ${idleMinutes} minutes and no retry is coming; upload the file again`,
  };
  await transition(record.uploadId, 'processing', 'failed', { error, progress: null, stage: null }, { now, ifWriteId: record.writeId });
  logger.warn('Failed an upload whose processing run stopped', { uploadId: record.uploadId, stage: record.stage, since: record.updatedAt });
  try {
    const removed = await withdrawMediaOutputs(record.uploadId);
    logger.info('Removed what the stopped run had published', { uploadId: record.uploadId, removed });
  } catch (cause) {
    // The output pass finds a failed upload's outputs on its next round.
    logger.error('Could not remove the outputs of a stalled upload', { uploadId: record.uploadId, error: cause as Error });
  }
  return 'failed';
}

async function settle(record: UploadRecord, run: () => Promise<Outcome>): Promise<Outcome> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof InvalidStateError || error instanceof NotFoundError) {
      logger.info('A stalled upload moved on before the sweep settled it', { uploadId: record.uploadId, error: error.message });
      return 'skipped';
    }
    logger.error('Could not settle a stalled upload; the next run tries again', { uploadId: record.uploadId, error: error as Error });
    return 'errors';
  }
}

function secondsBefore(now: Date, seconds: number): Date {
  return new Date(now.getTime() - seconds * 1000);
}
