import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it, vi } from 'vitest';

vi.hoisted(() => {
  process.env.UPLOADS_TABLE = 'uploads-table';
});

import type { UploadRecord } from '../../../../lambdas/shared/uploadRecord.js';
import { unfinishedUploads } from '../../../../lambdas/ws-message/unfinishedUploads.js';
import { uploadRecord } from '../../support/uploadRecord.js';

const dynamo = mockClient(DynamoDBDocumentClient);

function records(count: number, from = 0): UploadRecord[] {
  return Array.from({ length: count }, (_, index) => uploadRecord({ uploadId: `id-${from + index}` }));
}

describe('unfinishedUploads', () => {
  beforeEach(() => {
    dynamo.reset();
  });

  it("queries the owner's index newest first for initiated, uploaded and processing uploads", async () => {
    dynamo.on(QueryCommand).resolves({ Items: records(3) });

    const found = await unfinishedUploads('owner-1');

    expect(found.map((record) => record.uploadId)).toEqual(['id-0', 'id-1', 'id-2']);
    expect(dynamo).toHaveReceivedCommandExactlyOnceWith(QueryCommand, {
      TableName: 'uploads-table',
      IndexName: 'byOwner',
      KeyConditionExpression: '#ownerId = :ownerId',
      FilterExpression: '#status IN (:initiated, :uploaded, :processing)',
      ExpressionAttributeValues: { ':ownerId': 'owner-1', ':initiated': 'initiated', ':uploaded': 'uploaded', ':processing': 'processing' },
      ScanIndexForward: false,
    });
  });

  it('reads on past pages the filter emptied, and stops at the newest 20', async () => {
    dynamo
      .on(QueryCommand)
      .resolvesOnce({ Items: [], LastEvaluatedKey: { k: 1 } })
      .resolvesOnce({ Items: records(15), LastEvaluatedKey: { k: 2 } })
      .resolvesOnce({ Items: records(15, 15), LastEvaluatedKey: { k: 3 } })
      .resolves({ Items: records(15, 30) });

    const found = await unfinishedUploads('owner-1');

    expect(found.map((record) => record.uploadId)).toEqual(Array.from({ length: 20 }, (_, index) => `id-${index}`));
    expect(dynamo).toHaveReceivedCommandTimes(QueryCommand, 3);
    expect(dynamo).toHaveReceivedNthCommandWith(QueryCommand, 3, { ExclusiveStartKey: { k: 2 } });
  });

  it('reads at most 10 pages for an owner with thousands of finished uploads', async () => {
    dynamo.on(QueryCommand).resolves({ Items: [], LastEvaluatedKey: { k: 'more' } });

    await expect(unfinishedUploads('owner-1')).resolves.toEqual([]);
    expect(dynamo).toHaveReceivedCommandTimes(QueryCommand, 10);
  });
});
