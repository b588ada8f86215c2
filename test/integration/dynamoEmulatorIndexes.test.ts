import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TableSchema } from '../../lib/uploadsTableSchema.js';
import { startDynamoEmulator } from '../../local/dynamodb/startDynamoEmulator.js';
import { LOCAL_ACCESS_KEY_ID, LOCAL_REGION, type LocalCredentials } from '../../local/localDefaults.js';

/** Any key pair signs requests here: dynalite checks no signature. */
const CREDENTIALS: LocalCredentials = { accessKeyId: LOCAL_ACCESS_KEY_ID, secretAccessKey: 'test-secret' };

const BEFORE: TableSchema = {
  partitionKey: { name: 'uploadId', type: 'S' },
  globalSecondaryIndexes: [{ indexName: 'byOwner', partitionKey: { name: 'ownerId', type: 'S' }, sortKey: { name: 'createdAt', type: 'S' } }],
};
const AFTER: TableSchema = {
  ...BEFORE,
  globalSecondaryIndexes: [
    ...BEFORE.globalSecondaryIndexes,
    { indexName: 'byPendingProcessing', partitionKey: { name: 'pendingProcessing', type: 'S' }, sortKey: { name: 'updatedAt', type: 'S' } },
  ],
};

let directory: string;

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'dynamo-emulator-indexes-'));
});

afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

async function withTable<T>(schema: TableSchema, use: (dynamo: DynamoDBDocumentClient) => Promise<T>): Promise<T> {
  const emulator = await startDynamoEmulator({
    host: '127.0.0.1',
    port: 0,
    directory,
    tables: [{ name: 'uploads', schema }],
    region: LOCAL_REGION,
    credentials: CREDENTIALS,
  });
  const dynamo = DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: emulator.endpoint, region: LOCAL_REGION, credentials: CREDENTIALS }));
  try {
    return await use(dynamo);
  } finally {
    dynamo.destroy();
    await emulator.stop();
  }
}

describe('startDynamoEmulator on a data folder from before an index was added', () => {
  it('rebuilds the table with the new index and keeps every item', async () => {
    const items = Array.from({ length: 60 }, (_unused, index) => ({
      uploadId: `u${index}`,
      ownerId: 'alice',
      createdAt: `2025-03-01T00:00:${String(index).padStart(2, '0')}.000Z`,
      updatedAt: '2025-03-01T01:00:00.000Z',
      ...(index % 2 === 0 ? { pendingProcessing: 'uploaded' } : {}),
    }));
    await withTable(BEFORE, async (dynamo) => {
      for (const item of items) await dynamo.send(new PutCommand({ TableName: 'uploads', Item: item }));
    });

    await withTable(AFTER, async (dynamo) => {
      const { Item } = await dynamo.send(new GetCommand({ TableName: 'uploads', Key: { uploadId: 'u59' } }));
      expect(Item).toEqual(items[59]);
      const byOwner = await dynamo.send(
        new QueryCommand({ TableName: 'uploads', IndexName: 'byOwner', KeyConditionExpression: 'ownerId = :o', ExpressionAttributeValues: { ':o': 'alice' } }),
      );
      expect(byOwner.Count).toBe(60);
      const pending = await dynamo.send(
        new QueryCommand({
          TableName: 'uploads',
          IndexName: 'byPendingProcessing',
          KeyConditionExpression: 'pendingProcessing = :p',
          ExpressionAttributeValues: { ':p': 'uploaded' },
        }),
      );
      expect(pending.Count).toBe(30);
    });
  });
});
