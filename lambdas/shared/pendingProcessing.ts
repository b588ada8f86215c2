import type { UploadStatus } from './uploadRecord.js';

/**
 * Sparse GSI for the sweep: only `uploaded` and `processing` records carry `pendingProcessing`
 * (their status), so the sweep queries the uploads that wait for or are in processing, one
 * status at a time and least recently written first, without a scan. Its sort key is
 * `updatedAt`: how long ago anything happened to the upload.
 */
export const BY_PENDING_PROCESSING_INDEX = 'byPendingProcessing';

/** The statuses the index holds, each its own partition. */
export type PendingProcessingStatus = Extract<UploadStatus, 'uploaded' | 'processing'>;

export const PENDING_PROCESSING_STATUSES: readonly PendingProcessingStatus[] = ['uploaded', 'processing'];

export function isPendingProcessing(status: UploadStatus): status is PendingProcessingStatus {
  return (PENDING_PROCESSING_STATUSES as readonly UploadStatus[]).includes(status);
}
