import { randomUUID } from 'node:crypto';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { uploadsTableName } from './config.js';
import { dynamo } from './dynamo.js';
import { findUploadRecord } from './getUploadRecord.js';
import { logger } from './logger.js';
import { notifyStateChange } from './stateChanges.js';
import type { UploadRecord } from './uploadRecord.js';

const tableName = uploadsTableName();

/**
 * Writes a new `initiated` record (refusing to overwrite an existing id) and tells the
 * state-change listeners, the same way `transition` does for every later state. Like
 * `transition`, it marks the write with a fresh `writeId`, so the rejection of the SDK's retry
 * of a put DynamoDB had already applied is recognised as this write, not taken for a taken id.
 */
export async function createUploadRecord(record: UploadRecord): Promise<UploadRecord> {
  const item: UploadRecord = { ...record, unfinishedOwner: record.ownerId, seq: 1, writeId: randomUUID() };
  try {
    await dynamo.send(new PutCommand({ TableName: tableName, Item: item, ConditionExpression: 'attribute_not_exists(uploadId)' }));
  } catch (error) {
    if (!(error instanceof ConditionalCheckFailedException)) throw error;
    if ((await findUploadRecord(item.uploadId))?.writeId !== item.writeId) throw error;
  }
  await notifyStateChange({ previousStatus: undefined, record: item }, (error) =>
    logger.warn('A state-change listener failed; the record was written', { uploadId: item.uploadId, error }),
  );
  return item;
}
