import { InvalidStateError, NotFoundError } from '../shared/errors.js';
import { findUploadRecord, getUploadRecord } from '../shared/getUploadRecord.js';
import { logger } from '../shared/logger.js';
import { sourceObjectSize } from '../shared/sourceObjectSize.js';
import { storedChecksumFields } from '../shared/storedObjectChecksum.js';
import { type TransitionPatch, transition } from '../shared/transition.js';
import { FINAL_STATUSES, type UploadRecord } from '../shared/uploadRecord.js';
import { dropOutlivedOriginal } from './dropOutlivedOriginal.js';

const CLAIM: TransitionPatch = { stage: 'probe', progress: 0 };

/**
 * Takes an upload for processing, or returns undefined when this event has nothing to do.
 *
 * - `uploaded` → `processing`: the normal case.
 * - `initiated` with its original in S3 at the declared size: the object event beat the
 *   complete call's state write (or that call crashed after S3 completed). The upload is moved
 *   to `uploaded` first (complete treats that as its own success), then claimed.
 * - `processing` on a redelivery (receive count above 1): an earlier attempt of this very
 *   message failed or died mid-way, since the queue only redelivers after its visibility
 *   timeout (six times the function timeout), so it is reclaimed and redone; unless that attempt
 *   submitted and recorded a MediaConvert job: then the record is returned as it is (with
 *   `runningJob`) for the caller to follow the job.
 * - anything else (a duplicate or late event, a cancelled, finished or missing upload): no-op,
 *   except that an original which outlived its upload (`dropOutlivedOriginal`) is deleted.
 */
export async function claimUpload(uploadId: string, receiveCount: number): Promise<UploadRecord | undefined> {
  try {
    return await transition(uploadId, 'uploaded', 'processing', CLAIM);
  } catch (error) {
    if (error instanceof NotFoundError) {
      logger.warn('Ignoring an event for an upload without a record', { uploadId });
      await dropOutlivedOriginal(uploadId, undefined);
      return undefined;
    }
    if (!(error instanceof InvalidStateError)) throw error;
    if (error.currentStatus === 'initiated') return claimCompletedUpload(uploadId);
    if (error.currentStatus === 'processing' && receiveCount > 1) {
      const current = await getUploadRecord(uploadId);
      if (current.runningJob !== undefined) {
        logger.info('The earlier attempt handed the upload to a transcode job; following it', { uploadId, receiveCount });
        return current;
      }
      logger.info('Reclaiming an upload whose earlier attempt did not finish', { uploadId, receiveCount });
      return ignoreStateConflict(uploadId, () => transition(uploadId, 'processing', 'processing', CLAIM));
    }
    logger.info('Ignoring an event for an upload that is not waiting for processing', { uploadId, status: error.currentStatus });
    if ((FINAL_STATUSES as readonly string[]).includes(error.currentStatus)) await dropOutlivedOriginal(uploadId, await findUploadRecord(uploadId));
    return undefined;
  }
}

async function claimCompletedUpload(uploadId: string): Promise<UploadRecord | undefined> {
  const record = await getUploadRecord(uploadId);
  const size = await sourceObjectSize(record.sourceKey);
  if (size !== record.size) {
    // Complete compares the sizes and fails the upload itself; nothing to process yet.
    logger.info('Original not complete at its declared size; leaving the upload to complete', { uploadId, size, declared: record.size });
    return undefined;
  }
  try {
    // S3 verified a checksum upload's whole file when it completed; the record keeps that value.
    await transition(uploadId, 'initiated', 'uploaded', await storedChecksumFields(record));
  } catch (error) {
    if (!(error instanceof InvalidStateError)) throw error;
    // A concurrent complete moved it to `uploaded` first: claim it all the same.
    if (error.currentStatus !== 'uploaded') {
      logger.info('Another writer changed the upload first', { uploadId, status: error.currentStatus });
      // The expiry job, which checked for the original just before it arrived.
      await dropOutlivedOriginal(uploadId, await findUploadRecord(uploadId));
      return undefined;
    }
  }
  return ignoreStateConflict(uploadId, () => transition(uploadId, 'uploaded', 'processing', CLAIM));
}

async function ignoreStateConflict(uploadId: string, claim: () => Promise<UploadRecord>): Promise<UploadRecord | undefined> {
  try {
    return await claim();
  } catch (error) {
    if (!(error instanceof InvalidStateError)) throw error;
    logger.info('Another writer changed the upload first', { uploadId, status: error.currentStatus });
    return undefined;
  }
}
