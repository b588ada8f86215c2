import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { uploadsTableName } from '../shared/config.js';
import { dynamo } from '../shared/dynamo.js';
import { BY_PENDING_PROCESSING_INDEX, type PendingProcessingStatus } from '../shared/pendingProcessing.js';
import type { UploadRecord } from '../shared/uploadRecord.js';

const tableName = uploadsTableName();
const PAGE_SIZE = 100;

/**
 * Up to `max` uploads in `status` whose last write was before `before`, least recently written
 * first, from the sparse `byPendingProcessing` index (it holds `uploaded` and `processing`
 * uploads only, one partition each, so nothing else is read). The index is eventually
 * consistent: a listed upload may have moved on already, which the conditional write that
 * follows finds out.
 */
export async function findStalledUploads(status: PendingProcessingStatus, before: Date, max: number): Promise<UploadRecord[]> {
  const stalled: UploadRecord[] = [];
  let exclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const page = await dynamo.send(
      new QueryCommand({
        TableName: tableName,
        IndexName: BY_PENDING_PROCESSING_INDEX,
        KeyConditionExpression: '#pendingProcessing = :status AND #updatedAt < :before',
        ExpressionAttributeNames: { '#pendingProcessing': 'pendingProcessing', '#updatedAt': 'updatedAt' },
        ExpressionAttributeValues: { ':status': status, ':before': before.toISOString() },
        Limit: Math.min(PAGE_SIZE, max - stalled.length),
        ExclusiveStartKey: exclusiveStartKey,
      }),
    );
    stalled.push(...((page.Items ?? []) as UploadRecord[]));
    exclusiveStartKey = page.LastEvaluatedKey;
  } while (exclusiveStartKey !== undefined && stalled.length < max);
  return stalled;
}
