import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it, vi } from 'vitest';

vi.hoisted(() => {
  process.env.UPLOADS_TABLE = 'uploads-table';
});

import { findDueUploads } from '../../../../lambdas/expire-uploads/findDueUploads.js';
import type { UploadRecord } from '../../../../lambdas/shared/uploadRecord.js';

const dynamo = mockClient(DynamoDBDocumentClient);
const NOW = new Date('2025-03-02T12:00:00.000Z');

function due(index: number): UploadRecord {
  return { uploadId: `u${index}`, status: 'initiated', pendingExpiry: 'initiated', expiresAt: '2025-03-01T00:00:00.000Z' } as UploadRecord;
}

describe('findDueUploads', () => {
  beforeEach(() => {
    dynamo.reset();
  });

  it('queries the sparse pending-expiry index for initiated uploads whose deadline is before now', async () => {
    dynamo.on(QueryCommand).resolves({ Items: [due(1), due(2)] });

    await expect(findDueUploads(NOW, 500)).resolves.toEqual([due(1), due(2)]);
    expect(dynamo).toHaveReceivedCommandExactlyOnceWith(QueryCommand, {
      TableName: 'uploads-table',
      IndexName: 'byPendingExpiry',
      KeyConditionExpression: '#pendingExpiry = :pending AND #expiresAt < :now',
      ExpressionAttributeNames: { '#pendingExpiry': 'pendingExpiry', '#expiresAt': 'expiresAt' },
      ExpressionAttributeValues: { ':pending': 'initiated', ':now': '2025-03-02T12:00:00.000Z' },
      Limit: 100,
      ExclusiveStartKey: undefined,
    });
  });

  it('follows LastEvaluatedKey until the index ends', async () => {
    dynamo
      .on(QueryCommand)
      .resolvesOnce({ Items: [due(1)], LastEvaluatedKey: { uploadId: 'u1' } })
      .resolvesOnce({ Items: [due(2)] });

    await expect(findDueUploads(NOW, 500)).resolves.toEqual([due(1), due(2)]);
    expect(dynamo).toHaveReceivedNthCommandWith(QueryCommand, 2, { ExclusiveStartKey: { uploadId: 'u1' } });
  });

  it('reads no more than max uploads, asking each page for only the room left', async () => {
    dynamo.on(QueryCommand).callsFake(async (input: { Limit: number; ExclusiveStartKey?: { n: number } }) => {
      const from = input.ExclusiveStartKey?.n ?? 0;
      return {
        Items: Array.from({ length: input.Limit }, (_unused, index) => due(from + index)),
        LastEvaluatedKey: { n: from + input.Limit },
      };
    });

    const result = await findDueUploads(NOW, 250);

    expect(result).toHaveLength(250);
    expect(dynamo).toHaveReceivedCommandTimes(QueryCommand, 3);
    expect(dynamo).toHaveReceivedNthCommandWith(QueryCommand, 3, { Limit: 50 });
  });
});
