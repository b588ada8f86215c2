import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { uploadsTableName } from '../shared/config.js';
import { dynamo } from '../shared/dynamo.js';
import { BY_PENDING_RETENTION_INDEX, type PendingRetentionStatus } from '../shared/retentionSettings.js';
import type { UploadRecord } from '../shared/uploadRecord.js';

const tableName = uploadsTableName();
const PAGE_SIZE = 100;

/**
 * Up to `max` uploads in `status` whose original the retention job still has to delete and
 * that reached that state before `before`, oldest first, from the sparse `byPendingRetention`
 * index (it holds only such records, so nothing else is read). The index is eventually
 * consistent: a listed upload may have been handled or removed already, which the conditional
 * write that follows finds out.
 */
export async function findPendingRetention(status: PendingRetentionStatus, before: Date, max: number): Promise<UploadRecord[]> {
  const due: UploadRecord[] = [];
  let exclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const page = await dynamo.send(
      new QueryCommand({
        TableName: tableName,
        IndexName: BY_PENDING_RETENTION_INDEX,
        KeyConditionExpression: '#pendingRetention = :status AND #updatedAt < :before',
        ExpressionAttributeNames: { '#pendingRetention': 'pendingRetention', '#updatedAt': 'updatedAt' },
        ExpressionAttributeValues: { ':status': status, ':before': before.toISOString() },
        Limit: Math.min(PAGE_SIZE, max - due.length),
        ExclusiveStartKey: exclusiveStartKey,
      }),
    );
    due.push(...((page.Items ?? []) as UploadRecord[]));
    exclusiveStartKey = page.LastEvaluatedKey;
  } while (exclusiveStartKey !== undefined && due.length < max);
  return due;
}
