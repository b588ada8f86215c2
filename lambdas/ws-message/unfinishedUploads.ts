import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { uploadsTableName } from '../shared/config.js';
import { dynamo } from '../shared/dynamo.js';
import { OWNER_SNAPSHOT_LIMIT } from '../shared/progress/protocol.js';
import { BY_UNFINISHED_OWNER_INDEX } from '../shared/uploadIndexes.js';
import type { UploadRecord } from '../shared/uploadRecord.js';

const tableName = uploadsTableName();

/**
 * The owner's newest unfinished uploads (`initiated`, `uploaded`, `processing`), newest first:
 * one query of at most `limit` items on the sparse index that holds only unfinished records, so
 * a subscribe costs the same for an owner with thousands of finished uploads as for a new one.
 */
export async function unfinishedUploads(ownerId: string, limit = OWNER_SNAPSHOT_LIMIT): Promise<UploadRecord[]> {
  const result = await dynamo.send(
    new QueryCommand({
      TableName: tableName,
      IndexName: BY_UNFINISHED_OWNER_INDEX,
      KeyConditionExpression: '#owner = :ownerId',
      ExpressionAttributeNames: { '#owner': 'unfinishedOwner' },
      ExpressionAttributeValues: { ':ownerId': ownerId },
      ScanIndexForward: false,
      Limit: limit,
    }),
  );
  return (result.Items ?? []) as UploadRecord[];
}
