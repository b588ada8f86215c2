import { deleteSourceObject } from '../shared/deleteSourceObject.js';
import { sourceKey } from '../shared/keys.js';
import { logger } from '../shared/logger.js';
import type { UploadRecord } from '../shared/uploadRecord.js';

/**
 * Whether an original S3 just reported for this upload outlived it: the record is gone
 * (removed), `cancelled` or `expired` (neither keeps an original), or the retention job already
 * deleted its original (`originalRemovedAt`).
 */
export function outlivesItsUpload(record: UploadRecord | undefined): boolean {
  if (record === undefined) return true;
  if (record.status === 'cancelled' || record.status === 'expired') return true;
  return (record.status === 'ready' || record.status === 'failed') && record.originalRemovedAt !== undefined;
}

/**
 * Deletes an original that arrived after its upload ended, and says whether it did. A
 * single-PUT URL (`GET /s3/params`) stays valid for its whole lifetime whatever happens to the
 * upload, so a client can cancel or remove the upload (which gives its bytes back to the
 * owner's usage) and then PUT the file: nothing else would ever delete that object, and its
 * bytes would be stored outside every per-user limit. The object's own event is the one moment
 * the pipeline hears of it.
 */
export async function dropOutlivedOriginal(uploadId: string, record: UploadRecord | undefined): Promise<boolean> {
  if (!outlivesItsUpload(record)) return false;
  await deleteSourceObject(sourceKey(uploadId));
  logger.warn('Deleted an original that arrived after its upload ended', { uploadId, status: record?.status ?? 'removed' });
  return true;
}
