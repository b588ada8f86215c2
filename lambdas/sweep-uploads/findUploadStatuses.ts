import { BatchGetCommand } from '@aws-sdk/lib-dynamodb';
import { uploadsTableName } from '../shared/config.js';
import { dynamo } from '../shared/dynamo.js';
import type { UploadStatus } from '../shared/uploadRecord.js';

const tableName = uploadsTableName();
/** The most keys one BatchGetItem takes. */
const BATCH_SIZE = 100;
/** Rounds for keys DynamoDB left unprocessed (throttling); still unread after them, they stay unknown. */
const MAX_ROUNDS = 3;

/**
 * The status of each upload, or `missing` for one without a record, read consistently (an
 * upload's outputs never exist before its record, so a missing record means it was removed).
 * Ids DynamoDB would not read within a few rounds are left out: unknown, never taken as missing.
 */
export async function findUploadStatuses(uploadIds: readonly string[]): Promise<Map<string, UploadStatus | 'missing'>> {
  const statuses = new Map<string, UploadStatus | 'missing'>();
  for (let start = 0; start < uploadIds.length; start += BATCH_SIZE) {
    const ids = uploadIds.slice(start, start + BATCH_SIZE);
    let keys: Record<string, unknown>[] = ids.map((uploadId) => ({ uploadId }));
    for (let round = 0; round < MAX_ROUNDS && keys.length > 0; round += 1) {
      if (round > 0) await new Promise((resolve) => setTimeout(resolve, 100 * 2 ** round));
      const { Responses, UnprocessedKeys } = await dynamo.send(
        new BatchGetCommand({
          RequestItems: {
            [tableName]: {
              Keys: keys,
              ConsistentRead: true,
              ProjectionExpression: '#uploadId, #status',
              ExpressionAttributeNames: { '#uploadId': 'uploadId', '#status': 'status' },
            },
          },
        }),
      );
      for (const item of Responses?.[tableName] ?? []) statuses.set(item.uploadId as string, item.status as UploadStatus);
      keys = (UnprocessedKeys?.[tableName]?.Keys ?? []) as Record<string, unknown>[];
    }
    const unread = new Set(keys.map((key) => key.uploadId));
    for (const uploadId of ids) {
      if (!statuses.has(uploadId) && !unread.has(uploadId)) statuses.set(uploadId, 'missing');
    }
  }
  return statuses;
}
