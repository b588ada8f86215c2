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

function records(count: number): UploadRecord[] {
  return Array.from({ length: count }, (_, index) => uploadRecord({ uploadId: `id-${index}` }));
}

describe('unfinishedUploads', () => {
  beforeEach(() => {
    dynamo.reset();
  });

  it("reads the newest 20 in one query of the sparse index of the owner's unfinished uploads, with no filter to page past", async () => {
    dynamo.on(QueryCommand).resolves({ Items: records(20), LastEvaluatedKey: { k: 1 } });

    const found = await unfinishedUploads('owner-1');

    expect(found.map((record) => record.uploadId)).toEqual(Array.from({ length: 20 }, (_, index) => `id-${index}`));
    expect(dynamo).toHaveReceivedCommandExactlyOnceWith(QueryCommand, {
      TableName: 'uploads-table',
      IndexName: 'byUnfinishedOwner',
      KeyConditionExpression: '#owner = :ownerId',
      ExpressionAttributeNames: { '#owner': 'unfinishedOwner' },
      ExpressionAttributeValues: { ':ownerId': 'owner-1' },
      ScanIndexForward: false,
      Limit: 20,
    });
  });

  it('answers an owner with nothing unfinished with nothing', async () => {
    dynamo.on(QueryCommand).resolves({});

    await expect(unfinishedUploads('owner-1')).resolves.toEqual([]);
  });
});
