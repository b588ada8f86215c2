import { type AttributeValue, BatchWriteItemCommand, type DynamoDBClient, paginateScan, type WriteRequest } from '@aws-sdk/client-dynamodb';
import type { TableSchema } from '../../lib/uploadsTableSchema.js';

/** The most requests one BatchWriteItem takes. */
const BATCH_SIZE = 25;
/** Rounds for requests the emulator left unprocessed before giving up until the next run. */
const MAX_ROUNDS = 3;

/**
 * DynamoDB's TTL, for the emulator that has none (dynalite): deletes every item of `tableName`
 * whose TTL attribute (the schema's `timeToLiveAttribute`, a Number of epoch seconds) is before
 * `now`, and returns how many. Like DynamoDB, an item whose attribute is missing or not a
 * number is kept. DynamoDB deletes within days of the time; this deletes at the first run after
 * it. A scan: local tables are small, and on AWS nothing reads this way.
 */
export async function removeExpiredItems(client: DynamoDBClient, tableName: string, schema: TableSchema, now: Date): Promise<number> {
  const ttl = schema.timeToLiveAttribute;
  if (ttl === undefined) return 0;
  const keyNames = [schema.partitionKey.name, ...(schema.sortKey ? [schema.sortKey.name] : [])];
  const names = Object.fromEntries([ttl, ...keyNames].map((name, index) => [`#a${index}`, name]));
  const expired: Record<string, AttributeValue>[] = [];
  const pages = paginateScan(
    { client },
    {
      TableName: tableName,
      FilterExpression: 'attribute_type(#a0, :number) AND #a0 < :now',
      ProjectionExpression: keyNames.map((_name, index) => `#a${index + 1}`).join(', '),
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: { ':number': { S: 'N' }, ':now': { N: String(Math.floor(now.getTime() / 1000)) } },
    },
  );
  for await (const page of pages) expired.push(...(page.Items ?? []));

  for (let start = 0; start < expired.length; start += BATCH_SIZE) {
    let requests: WriteRequest[] = expired.slice(start, start + BATCH_SIZE).map((key) => ({ DeleteRequest: { Key: key } }));
    for (let round = 0; round < MAX_ROUNDS && requests.length > 0; round += 1) {
      const { UnprocessedItems } = await client.send(new BatchWriteItemCommand({ RequestItems: { [tableName]: requests } }));
      requests = UnprocessedItems?.[tableName] ?? [];
    }
    if (requests.length > 0) throw new Error(`The DynamoDB emulator left ${requests.length} expired items of ${tableName} undeleted; the next run tries again`);
  }
  return expired.length;
}
