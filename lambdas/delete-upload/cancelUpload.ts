import { abortMultipartUpload } from '../shared/abortMultipartUpload.js';
import { deleteSourceObject } from '../shared/deleteSourceObject.js';
import { cancelTranscodeJob } from '../process-upload/mediaconvert/cancelTranscodeJob.js';
import { transition } from '../shared/transition.js';
import type { UploadRecord, UploadStatus } from '../shared/uploadRecord.js';
import { withdrawMediaOutputs } from '../shared/withdrawMediaOutputs.js';

/** States a DELETE cancels (the upload is still on its way); any other state is final and is removed. */
export const CANCELLABLE_STATUSES: readonly UploadStatus[] = ['initiated', 'uploaded', 'processing'];

/**
 * Moves an unfinished upload to `cancelled`, then drops its bytes. The state is written first,
 * so a racing complete or processing run loses and stops. The multipart upload is aborted
 * before the original is deleted: once S3 forgets it, no complete can create the original
 * again, and an original a crashed complete already created is deleted too. A processing
 * upload's outputs are withdrawn: their invalidation in the CDN queued, then they are deleted.
 * Throws InvalidStateError when the upload reached a final state in the meantime.
 */
export async function cancelUpload(record: UploadRecord, ownerId: string): Promise<UploadRecord> {
  const cancelled = await transition(record.uploadId, CANCELLABLE_STATUSES, 'cancelled', {}, { ownerId });
  if (record.status === 'initiated' && record.multipartUploadId !== undefined) {
    await abortMultipartUpload(record.sourceKey, record.multipartUploadId);
  }
  await deleteSourceObject(record.sourceKey);
  // A MediaConvert job stops costing minutes; what it writes before it stops is removed by its final event.
  if (cancelled.transcodeJob?.id !== undefined) await cancelTranscodeJob(record.uploadId, cancelled.transcodeJob.id);
  // A processing run notices the cancel and removes what it published; one that died cannot,
  // and the event that would start it again finds the upload cancelled and stops.
  if (record.status === 'processing' || cancelled.transcodeJob !== undefined) {
    // Its poster (and, once playable, its playlists and segments) had URLs and may be cached.
    // The request is queued before anything is deleted: should it not be, the DELETE fails with
    // the outputs intact, and a retry (or the run's own withdrawal) requests it again.
    await withdrawMediaOutputs(record.uploadId);
  }
  return cancelled;
}
