import { BatchWriteItemCommand, DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { removeExpiredItems } from '../../../../local/dynamodb/removeExpiredItems.js';
import { UPLOADS_TABLE_SCHEMA } from '../../../../lib/uploadsTableSchema.js';
import { USAGE_TABLE_SCHEMA } from '../../../../lib/usageTableSchema.js';

const dynamo = mockClient(DynamoDBClient);
const client = new DynamoDBClient({ region: 'us-east-1' });
const NOW = new Date('2025-03-01T12:00:00.900Z');

describe('removeExpiredItems', () => {
  beforeEach(() => {
    dynamo.reset();
    dynamo.on(BatchWriteItemCommand).resolves({});
  });

  it('scans for items whose TTL attribute is a number before now, in epoch seconds, and deletes them by key', async () => {
    dynamo.on(ScanCommand).resolves({ Items: [{ uploadId: { S: 'a' } }, { uploadId: { S: 'b' } }] });

    await expect(removeExpiredItems(client, 'uploads', UPLOADS_TABLE_SCHEMA, NOW)).resolves.toBe(2);

    expect(dynamo).toHaveReceivedCommandWith(ScanCommand, {
      TableName: 'uploads',
      FilterExpression: 'attribute_type(#a0, :number) AND #a0 < :now',
      ProjectionExpression: '#a1',
      ExpressionAttributeNames: { '#a0': 'removeAt', '#a1': 'uploadId' },
      ExpressionAttributeValues: { ':number': { S: 'N' }, ':now': { N: String(Math.floor(NOW.getTime() / 1000)) } },
    });
    expect(dynamo).toHaveReceivedCommandWith(BatchWriteItemCommand, {
      RequestItems: { uploads: [{ DeleteRequest: { Key: { uploadId: { S: 'a' } } } }, { DeleteRequest: { Key: { uploadId: { S: 'b' } } } }] },
    });
  });

  it('deletes in batches of 25 and sends what the emulator left unprocessed again', async () => {
    dynamo.on(ScanCommand).resolves({ Items: Array.from({ length: 30 }, (_unused, index) => ({ uploadId: { S: `u${index}` } })) });
    dynamo
      .on(BatchWriteItemCommand)
      .resolvesOnce({ UnprocessedItems: { uploads: [{ DeleteRequest: { Key: { uploadId: { S: 'u3' } } } }] } })
      .resolves({});

    await expect(removeExpiredItems(client, 'uploads', UPLOADS_TABLE_SCHEMA, NOW)).resolves.toBe(30);

    const batches = dynamo.commandCalls(BatchWriteItemCommand).map((call) => call.args[0].input.RequestItems?.uploads?.length);
    expect(batches).toEqual([25, 1, 5]);
  });

  it('touches a table without TTL not at all', async () => {
    await expect(removeExpiredItems(client, 'usage', USAGE_TABLE_SCHEMA, NOW)).resolves.toBe(0);
    expect(dynamo).not.toHaveReceivedAnyCommand();
  });
});
