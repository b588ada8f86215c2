import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it, vi } from 'vitest';

vi.hoisted(() => {
  process.env.UPLOADS_TABLE = 'uploads-table';
});

import type { UploadRecord } from '../../../../lambdas/shared/uploadRecord.js';
import { findStalledUploads } from '../../../../lambdas/sweep-uploads/findStalledUploads.js';

const dynamo = mockClient(DynamoDBDocumentClient);
const BEFORE = new Date('2025-03-02T11:45:00.000Z');

function stalled(index: number): UploadRecord {
  return { uploadId: `u${index}`, status: 'processing', pendingProcessing: 'processing', updatedAt: '2025-03-02T09:00:00.000Z' } as UploadRecord;
}

describe('findStalledUploads', () => {
  beforeEach(() => {
    dynamo.reset();
  });

  it("queries the status's partition of the sparse sweep index for uploads last written before the cutoff", async () => {
    dynamo.on(QueryCommand).resolves({ Items: [stalled(1), stalled(2)] });

    await expect(findStalledUploads('processing', BEFORE, 200)).resolves.toEqual([stalled(1), stalled(2)]);
    expect(dynamo).toHaveReceivedCommandExactlyOnceWith(QueryCommand, {
      TableName: 'uploads-table',
      IndexName: 'byPendingProcessing',
      KeyConditionExpression: '#pendingProcessing = :status AND #updatedAt < :before',
      ExpressionAttributeNames: { '#pendingProcessing': 'pendingProcessing', '#updatedAt': 'updatedAt' },
      ExpressionAttributeValues: { ':status': 'processing', ':before': '2025-03-02T11:45:00.000Z' },
      Limit: 100,
      ExclusiveStartKey: undefined,
    });
  });

  it('follows LastEvaluatedKey, and reads no more than max uploads', async () => {
    dynamo.on(QueryCommand).callsFake(async (input: { Limit: number; ExclusiveStartKey?: { n: number } }) => {
      const from = input.ExclusiveStartKey?.n ?? 0;
      return { Items: Array.from({ length: input.Limit }, (_unused, index) => stalled(from + index)), LastEvaluatedKey: { n: from + input.Limit } };
    });

    const result = await findStalledUploads('uploaded', BEFORE, 250);

    expect(result).toHaveLength(250);
    expect(dynamo.commandCalls(QueryCommand).map((call) => call.args[0].input.Limit)).toEqual([100, 100, 50]);
    expect(dynamo).toHaveReceivedNthCommandWith(QueryCommand, 2, { ExclusiveStartKey: { n: 100 } });
  });
});
