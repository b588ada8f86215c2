import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { BY_OWNER_INDEX } from '../shared/uploadIndexes.js';
import { uploadsTableName } from '../shared/config.js';
import { dynamo } from '../shared/dynamo.js';
import { OWNER_SNAPSHOT_LIMIT } from '../shared/progress/protocol.js';
import type { UploadRecord } from '../shared/uploadRecord.js';

const tableName = uploadsTableName();
const PAGE_SIZE = 100;
/** Bounds the read: an owner with thousands of finished uploads costs at most this many pages. */
const MAX_PAGES = 10;

/** The owner's newest unfinished uploads (`initiated`, `uploaded`, `processing`), newest first. */
export async function unfinishedUploads(ownerId: string, limit = OWNER_SNAPSHOT_LIMIT): Promise<UploadRecord[]> {
  const found: UploadRecord[] = [];
  let startKey: Record<string, unknown> | undefined;
  for (let page = 0; page < MAX_PAGES && found.length < limit; page += 1) {
    const result = await dynamo.send(
      new QueryCommand({
        TableName: tableName,
        IndexName: BY_OWNER_INDEX,
        KeyConditionExpression: '#ownerId = :ownerId',
        FilterExpression: '#status IN (:initiated, :uploaded, :processing)',
        ExpressionAttributeNames: { '#ownerId': 'ownerId', '#status': 'status' },
        ExpressionAttributeValues: { ':ownerId': ownerId, ':initiated': 'initiated', ':uploaded': 'uploaded', ':processing': 'processing' },
        ScanIndexForward: false,
        Limit: PAGE_SIZE,
        ExclusiveStartKey: startKey,
      }),
    );
    found.push(...((result.Items ?? []) as UploadRecord[]));
    startKey = result.LastEvaluatedKey;
    if (!startKey) break;
  }
  return found.slice(0, limit);
}
