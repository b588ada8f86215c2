import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { BY_PENDING_EXPIRY_INDEX, PENDING_EXPIRY_PARTITION } from '../shared/uploadIndexes.js';
import { uploadsTableName } from '../shared/config.js';
import { dynamo } from '../shared/dynamo.js';
import type { UploadRecord } from '../shared/uploadRecord.js';

const tableName = uploadsTableName();
const PAGE_SIZE = 100;

/**
 * Up to `max` initiated uploads whose deadline passed before `now`, oldest deadline first, from
 * the sparse `byPendingExpiry` index (it holds initiated uploads only, so nothing else is read).
 * The index is eventually consistent: a listed upload may have moved on already, which the
 * conditional transition that follows finds out.
 */
export async function findDueUploads(now: Date, max: number): Promise<UploadRecord[]> {
  const due: UploadRecord[] = [];
  let exclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const page = await dynamo.send(
      new QueryCommand({
        TableName: tableName,
        IndexName: BY_PENDING_EXPIRY_INDEX,
        KeyConditionExpression: '#pendingExpiry = :pending AND #expiresAt < :now',
        ExpressionAttributeNames: { '#pendingExpiry': 'pendingExpiry', '#expiresAt': 'expiresAt' },
        ExpressionAttributeValues: { ':pending': PENDING_EXPIRY_PARTITION, ':now': now.toISOString() },
        Limit: Math.min(PAGE_SIZE, max - due.length),
        ExclusiveStartKey: exclusiveStartKey,
      }),
    );
    due.push(...((page.Items ?? []) as UploadRecord[]));
    exclusiveStartKey = page.LastEvaluatedKey;
  } while (exclusiveStartKey !== undefined && due.length < max);
  return due;
}
