import { QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { uploadsTableName } from './config.js';
import { dynamo } from './dynamo.js';
import type { UploadRecord } from './uploadRecord.js';

const tableName = uploadsTableName();
const PAGE_SIZE = 100;

/** The index, key condition and values of one query of the Uploads table. */
export type UploadIndexQuery = Pick<QueryCommandInput, 'IndexName' | 'KeyConditionExpression' | 'ExpressionAttributeNames' | 'ExpressionAttributeValues'>;

/**
 * Up to `max` records a query of one of the Uploads table's sparse indexes finds, in index
 * order, read in pages of at most 100 so a run never reads more than it will act on.
 */
export async function queryUploadIndex(query: UploadIndexQuery, max: number): Promise<UploadRecord[]> {
  const found: UploadRecord[] = [];
  let exclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const page = await dynamo.send(
      new QueryCommand({ TableName: tableName, ...query, Limit: Math.min(PAGE_SIZE, max - found.length), ExclusiveStartKey: exclusiveStartKey }),
    );
    found.push(...((page.Items ?? []) as UploadRecord[]));
    exclusiveStartKey = page.LastEvaluatedKey;
  } while (exclusiveStartKey !== undefined && found.length < max);
  return found;
}
