import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand } from '@aws-sdk/lib-dynamodb';
import { abortMultipartUpload } from '../shared/abortMultipartUpload.js';
import { uploadsTableName } from '../shared/config.js';
import { deleteMediaOutputs } from '../shared/deleteMediaOutputs.js';
import { deleteSourceObject } from '../shared/deleteSourceObject.js';
import { dynamo } from '../shared/dynamo.js';
import { logger } from '../shared/logger.js';
import { requestInvalidation } from '../shared/requestInvalidation.js';
import type { UploadRecord, UploadStatus } from '../shared/uploadRecord.js';
import { releaseRemovedUpload } from '../shared/usage/settleUsage.js';

const tableName = uploadsTableName();

/**
 * Final states whose outputs may have been served by the CDN, and so may sit in its cache: a
 * ready upload's all, and a failed or cancelled one's poster or first segments, published while it
 * was processing (the record no longer says whether it got that far, and this also repeats an
 * invalidation a crashed cancel never queued). An expired upload was never completed, so it never
 * had outputs.
 */
export const SERVED_STATUSES: readonly UploadStatus[] = ['ready', 'failed', 'cancelled'];

/**
 * Removes a finished upload for good: its multipart upload, original and outputs (and their
 * copies in the CDN's cache), the bytes it held in its owner's usage, then the record. The
 * record goes last, so a run that crashes half way leaves a record whose next DELETE finishes
 * the job; every step before it is safe to repeat (the usage release applies once per upload,
 * and a repeated invalidation costs one more path).
 */
export async function removeUpload(record: UploadRecord, ownerId: string): Promise<void> {
  // A cancel, expiry or failed complete that crashed before its abort left the parts behind;
  // only a ready upload is sure to have completed its multipart upload.
  if (record.status !== 'ready' && record.multipartUploadId !== undefined) {
    await abortMultipartUpload(record.sourceKey, record.multipartUploadId);
  }
  await deleteSourceObject(record.sourceKey);
  const outputs = await deleteMediaOutputs(record.uploadId);
  // Before the record goes: if the request cannot be queued, the DELETE fails and its retry sends it.
  if (SERVED_STATUSES.includes(record.status)) await requestInvalidation(record.uploadId);
  await releaseRemovedUpload(record);
  try {
    await dynamo.send(
      new DeleteCommand({
        TableName: tableName,
        Key: { uploadId: record.uploadId },
        ConditionExpression: '#ownerId = :ownerId',
        ExpressionAttributeNames: { '#ownerId': 'ownerId' },
        ExpressionAttributeValues: { ':ownerId': ownerId },
      }),
    );
  } catch (error) {
    // A concurrent DELETE removed it first (the owner of an id never changes).
    if (!(error instanceof ConditionalCheckFailedException)) throw error;
  }
  logger.info('Removed an upload', { uploadId: record.uploadId, status: record.status, outputs });
}
