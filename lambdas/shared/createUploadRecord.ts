import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { uploadsTableName } from './config.js';
import { dynamo } from './dynamo.js';
import { logger } from './logger.js';
import { notifyStateChange } from './stateChanges.js';
import type { UploadRecord } from './uploadRecord.js';

const tableName = uploadsTableName();

/**
 * Writes a new `initiated` record (refusing to overwrite an existing id) and tells the
 * state-change listeners, the same way `transition` does for every later state.
 */
export async function createUploadRecord(record: UploadRecord): Promise<UploadRecord> {
  await dynamo.send(
    new PutCommand({
      TableName: tableName,
      Item: record,
      ConditionExpression: 'attribute_not_exists(uploadId)',
    }),
  );
  await notifyStateChange({ previousStatus: undefined, record }, (error) =>
    logger.warn('A state-change listener failed; the record was written', { uploadId: record.uploadId, error }),
  );
  return record;
}
