import { InvalidStateError, NotFoundError } from '../shared/errors.js';
import { FAILURE_CODES } from '../shared/failureCodes.js';
import { findUploadRecord } from '../shared/getUploadRecord.js';
import { logger } from '../shared/logger.js';
import { transition } from '../shared/transition.js';
import { dropOutlivedOriginal } from './dropOutlivedOriginal.js';

/**
 * An event for an original the malware scan has not answered for. With the scan on, processing
 * is woken by GuardDuty's scan result, which always carries a verdict; an event without one is
 * S3's shape: the sweep's re-send of an upload that stayed `uploaded` for its whole stall margin
 * (or a stray S3 notification). The sweep is the gate's clock:
 *
 * - `uploaded` and already re-sent by the sweep (`requeueCount` ≥ 1): the scan result did not come
 *   within the stall margin after the upload completed, and GuardDuty sends it once, so none is
 *   coming: `failed` with MALWARE_SCAN_TIMED_OUT (the write holds only if nothing wrote since).
 * - `uploaded`, never re-sent: a stray event ahead of the scan; it keeps waiting.
 * - anything else (initiated, processing, finished, missing): not this event's to settle, except
 *   an original that outlived its upload, which is deleted at once rather than scanned and kept.
 */
export async function settleMissingScan(uploadId: string, now = new Date()): Promise<void> {
  const record = await findUploadRecord(uploadId);
  if (record?.status !== 'uploaded') {
    if (await dropOutlivedOriginal(uploadId, record)) return;
    logger.info('No malware scan result yet, and the upload is not waiting for one', { uploadId, status: record?.status });
    return;
  }
  const requeues = record.requeueCount ?? 0;
  if (requeues === 0) {
    logger.info('Waiting for the malware scan result before processing', { uploadId });
    return;
  }
  const error = {
    code: FAILURE_CODES.malwareScanTimedOut,
    message: 'The malware scan gave no result in time, so the file was not processed; upload it again later',
  };
  try {
    await transition(uploadId, 'uploaded', 'failed', { error, progress: null, stage: null }, { now, ifWriteId: record.writeId });
    logger.warn('Failed an upload whose malware scan result never came', { uploadId, requeues, since: record.updatedAt });
  } catch (cause) {
    if (!(cause instanceof InvalidStateError || cause instanceof NotFoundError)) throw cause;
    logger.info('The upload moved on before its missing scan result was settled', { uploadId, error: cause.message });
  }
}
