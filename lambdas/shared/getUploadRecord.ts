import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { uploadsTableName } from './config.js';
import { dynamo } from './dynamo.js';
import { NotFoundError } from './errors.js';
import type { UploadRecord } from './uploadRecord.js';

const tableName = uploadsTableName();

/** The record of an upload as it is now (a consistent read), or undefined when there is none. */
export async function findUploadRecord(uploadId: string): Promise<UploadRecord | undefined> {
  const { Item } = await dynamo.send(new GetCommand({ TableName: tableName, Key: { uploadId }, ConsistentRead: true }));
  return Item as UploadRecord | undefined;
}

/**
 * The record of an upload. With `ownerId`, another owner's upload is reported exactly like a
 * missing one (404), so ids cannot be probed.
 */
export async function getUploadRecord(uploadId: string, ownerId?: string): Promise<UploadRecord> {
  const record = await findUploadRecord(uploadId);
  if (!record || (ownerId !== undefined && record.ownerId !== ownerId)) {
    throw new NotFoundError(`Upload ${uploadId} was not found`);
  }
  return record;
}
