import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand } from '@aws-sdk/lib-dynamodb';
import { abortMultipartUpload } from '../shared/abortMultipartUpload.js';
import { uploadsTableName } from '../shared/config.js';
import { deleteMediaOutputs } from '../shared/deleteMediaOutputs.js';
import { deleteSourceObject } from '../shared/deleteSourceObject.js';
import { dynamo } from '../shared/dynamo.js';
import { logger } from '../shared/logger.js';
import type { UploadRecord } from '../shared/uploadRecord.js';
import { releaseRemovedUpload } from '../shared/usage/settleUsage.js';

const tableName = uploadsTableName();

/**
 * Removes a finished upload for good: its multipart upload, original and outputs, the bytes it
 * held in its owner's usage, then the record. The record goes last, so a run that crashes half
 * way leaves a record whose next DELETE finishes the job; every step before it is safe to
 * repeat (the usage release applies once per upload).
 */
export async function removeUpload(record: UploadRecord, ownerId: string): Promise<void> {
  // A cancel, expiry or failed complete that crashed before its abort left the parts behind;
  // only a ready upload is sure to have completed its multipart upload.
  if (record.status !== 'ready' && record.multipartUploadId !== undefined) {
    await abortMultipartUpload(record.sourceKey, record.multipartUploadId);
  }
  await deleteSourceObject(record.sourceKey);
  const outputs = await deleteMediaOutputs(record.uploadId);
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
