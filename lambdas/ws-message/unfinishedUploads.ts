import { BatchGetCommand, type BatchGetCommandOutput, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { uploadsTableName } from '../shared/config.js';
import { dynamo } from '../shared/dynamo.js';
import { OWNER_SNAPSHOT_LIMIT } from '../../client/protocol.js';
import { BY_UNFINISHED_OWNER_INDEX } from '../shared/uploadIndexes.js';
import type { UploadRecord } from '../shared/uploadRecord.js';

const tableName = uploadsTableName();

/**
 * The owner's newest unfinished uploads (`initiated`, `uploaded`, `processing`), newest first,
 * as they are now: the ids come from one query of at most `limit` items on the sparse index of
 * unfinished records (so a subscribe costs the same for an owner with thousands of finished
 * uploads), and the records from one consistent BatchGet. The index lags its table: an upload
 * that finished a moment ago would show there as still processing, its final write posted before
 * the subscription existed, and the client would wait for an end already past.
 */
export async function unfinishedUploads(ownerId: string, limit = OWNER_SNAPSHOT_LIMIT): Promise<UploadRecord[]> {
  const listed = await dynamo.send(
    new QueryCommand({
      TableName: tableName,
      IndexName: BY_UNFINISHED_OWNER_INDEX,
      KeyConditionExpression: '#owner = :ownerId',
      ExpressionAttributeNames: { '#owner': 'unfinishedOwner', '#uploadId': 'uploadId' },
      ExpressionAttributeValues: { ':ownerId': ownerId },
      ProjectionExpression: '#uploadId',
      ScanIndexForward: false,
      Limit: limit,
    }),
  );
  const ids = (listed.Items ?? []).map((item) => String(item.uploadId));
  if (ids.length === 0) return [];

  const found = new Map<string, UploadRecord>();
  let keys: Record<string, unknown>[] | undefined = ids.map((uploadId) => ({ uploadId }));
  // BatchGet may leave keys unprocessed under load; a few rounds, then what came back is the answer.
  for (let round = 0; round < 5 && keys && keys.length > 0; round += 1) {
    const page: BatchGetCommandOutput = await dynamo.send(new BatchGetCommand({ RequestItems: { [tableName]: { Keys: keys, ConsistentRead: true } } }));
    for (const record of (page.Responses?.[tableName] ?? []) as UploadRecord[]) found.set(record.uploadId, record);
    keys = page.UnprocessedKeys?.[tableName]?.Keys;
  }
  // Newest first, as listed; one that finished or went since the listing is no longer unfinished.
  return ids.flatMap((uploadId) => {
    const record = found.get(uploadId);
    return record && record.ownerId === ownerId && ['initiated', 'uploaded', 'processing'].includes(record.status) ? [record] : [];
  });
}
