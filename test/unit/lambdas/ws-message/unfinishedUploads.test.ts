import { BatchGetCommand, DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it, vi } from 'vitest';

vi.hoisted(() => {
  process.env.UPLOADS_TABLE = 'uploads-table';
});

import type { UploadRecord } from '../../../../lambdas/shared/uploadRecord.js';
import { unfinishedUploads } from '../../../../lambdas/ws-message/unfinishedUploads.js';
import { uploadRecord } from '../../support/uploadRecord.js';

const dynamo = mockClient(DynamoDBDocumentClient);
const OWNER = uploadRecord().ownerId;

function records(count: number, overrides: Partial<UploadRecord> = {}): UploadRecord[] {
  return Array.from({ length: count }, (_, index) => uploadRecord({ uploadId: `id-${index}`, status: 'processing', ...overrides }));
}

describe('unfinishedUploads', () => {
  beforeEach(() => {
    dynamo.reset();
  });

  it("lists the newest 20 ids in one query of the sparse index of the owner's unfinished uploads, then reads them consistently, newest first", async () => {
    const all = records(20);
    dynamo.on(QueryCommand).resolves({ Items: all.map(({ uploadId }) => ({ uploadId })), LastEvaluatedKey: { k: 1 } });
    dynamo.on(BatchGetCommand).resolves({ Responses: { 'uploads-table': [...all].reverse() } });

    const found = await unfinishedUploads(OWNER);

    expect(found.map((record) => record.uploadId)).toEqual(all.map((record) => record.uploadId));
    expect(dynamo).toHaveReceivedCommandExactlyOnceWith(QueryCommand, {
      TableName: 'uploads-table',
      IndexName: 'byUnfinishedOwner',
      KeyConditionExpression: '#owner = :ownerId',
      ExpressionAttributeValues: { ':ownerId': OWNER },
      ScanIndexForward: false,
      Limit: 20,
    });
    expect(dynamo).toHaveReceivedCommandExactlyOnceWith(BatchGetCommand, {
      RequestItems: { 'uploads-table': { Keys: all.map(({ uploadId }) => ({ uploadId })), ConsistentRead: true } },
    });
  });

  it('leaves out an upload the lagging index still lists but that finished or went since', async () => {
    dynamo.on(QueryCommand).resolves({ Items: [{ uploadId: 'id-0' }, { uploadId: 'id-1' }, { uploadId: 'id-2' }] });
    dynamo.on(BatchGetCommand).resolves({ Responses: { 'uploads-table': [uploadRecord({ uploadId: 'id-0', status: 'ready' }), uploadRecord({ uploadId: 'id-2', status: 'initiated' })] } });

    const found = await unfinishedUploads(OWNER);

    expect(found.map((record) => record.uploadId)).toEqual(['id-2']);
  });

  it('asks again for keys BatchGet left unprocessed', async () => {
    const all = records(2);
    dynamo.on(QueryCommand).resolves({ Items: all.map(({ uploadId }) => ({ uploadId })) });
    dynamo
      .on(BatchGetCommand)
      .resolvesOnce({ Responses: { 'uploads-table': [all[0]!] }, UnprocessedKeys: { 'uploads-table': { Keys: [{ uploadId: 'id-1' }] } } })
      .resolves({ Responses: { 'uploads-table': [all[1]!] } });

    expect((await unfinishedUploads(OWNER)).map((record) => record.uploadId)).toEqual(['id-0', 'id-1']);
    expect(dynamo).toHaveReceivedCommandTimes(BatchGetCommand, 2);
  });

  it('answers an owner with nothing unfinished with nothing, reading no record', async () => {
    dynamo.on(QueryCommand).resolves({});

    await expect(unfinishedUploads(OWNER)).resolves.toEqual([]);
    expect(dynamo).not.toHaveReceivedCommand(BatchGetCommand);
  });
});
