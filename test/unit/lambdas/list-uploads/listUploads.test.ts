import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import fc from 'fast-check';
import { beforeEach, describe, expect, it, vi } from 'vitest';

vi.hoisted(() => {
  process.env.UPLOADS_TABLE = 'uploads-table';
});

import { handler } from '../../../../lambdas/list-uploads/handler.js';
import { encodeListCursor } from '../../../../lambdas/list-uploads/listCursor.js';
import { MAX_QUERIES_PER_PAGE } from '../../../../lambdas/list-uploads/listUploads.js';
import { UPLOAD_STATUSES, type UploadRecord, type UploadStatus } from '../../../../lambdas/shared/uploadRecord.js';
import { apiEvent } from '../../support/apiEvent.js';
import { lambdaContext } from '../../support/lambdaContext.js';

const dynamo = mockClient(DynamoDBDocumentClient);

const OWNER = 'owner-1';

function upload(index: number, status: UploadStatus = 'ready'): UploadRecord {
  const hex = index.toString(16).padStart(12, '0');
  return {
    uploadId: `0b8f6a52-3c1e-4d2a-9f7b-${hex}`,
    ownerId: OWNER,
    status,
    filename: `clip-${index}.mp4`,
    contentType: 'video/mp4',
    kind: 'video',
    size: 1_000 + index,
    partSize: 8_388_608,
    partCount: 1,
    sourceKey: `uploads/0b8f6a52-3c1e-4d2a-9f7b-${hex}/source`,
    multipartUploadId: `mpu-${index}`,
    createdAt: new Date(Date.UTC(2025, 0, 1) + index * 60_000).toISOString(),
    updatedAt: new Date(Date.UTC(2025, 0, 1) + index * 60_000).toISOString(),
    expiresAt: new Date(Date.UTC(2025, 0, 2) + index * 60_000).toISOString(),
  };
}

function keyOf(record: UploadRecord) {
  return { uploadId: record.uploadId, ownerId: record.ownerId, createdAt: record.createdAt };
}

function publicView(record: UploadRecord): Record<string, unknown> {
  const { ownerId: _o, sourceKey: _k, multipartUploadId: _m, pendingExpiry: _p, ...rest } = record;
  return rest;
}

async function list(query?: Record<string, string>, sub = OWNER) {
  const response = (await handler(apiEvent({ method: 'GET', route: '/uploads', ...(query ? { query } : {}), sub }), lambdaContext())) as {
    statusCode: number;
    body: string;
  };
  return { statusCode: response.statusCode, body: JSON.parse(response.body) as { items?: unknown[]; cursor?: string; error?: { code: string } } };
}

describe('listUploads', () => {
  beforeEach(() => {
    dynamo.reset();
  });

  it("queries the owner's index newest first with the default limit of 20 and answers with public items and a cursor", async () => {
    const newest = Array.from({ length: 20 }, (_unused, index) => upload(50 - index));
    dynamo.on(QueryCommand).resolves({ Items: newest, LastEvaluatedKey: keyOf(upload(31)) });

    const response = await list();

    expect(dynamo).toHaveReceivedCommandExactlyOnceWith(QueryCommand, {
      TableName: 'uploads-table',
      IndexName: 'byOwner',
      KeyConditionExpression: '#ownerId = :ownerId',
      ExpressionAttributeNames: { '#ownerId': 'ownerId' },
      ExpressionAttributeValues: { ':ownerId': OWNER },
      ScanIndexForward: false,
      Limit: 20,
      ExclusiveStartKey: undefined,
    });
    expect(response).toEqual({
      statusCode: 200,
      body: { items: newest.map(publicView), cursor: encodeListCursor(keyOf(upload(31))) },
    });
  });

  it('queries on when DynamoDB ends a page early (its 1 MB cap) although more uploads follow', async () => {
    dynamo
      .on(QueryCommand)
      .resolvesOnce({ Items: [upload(9), upload(8)], LastEvaluatedKey: keyOf(upload(8)) })
      .resolvesOnce({ Items: [upload(7), upload(6)], LastEvaluatedKey: keyOf(upload(6)) });

    const response = await list({ limit: '4' });

    expect(response).toEqual({
      statusCode: 200,
      body: { items: [upload(9), upload(8), upload(7), upload(6)].map(publicView), cursor: encodeListCursor(keyOf(upload(6))) },
    });
    expect(dynamo).toHaveReceivedNthCommandWith(QueryCommand, 1, { Limit: 4 });
    expect(dynamo).toHaveReceivedNthCommandWith(QueryCommand, 2, { ExclusiveStartKey: keyOf(upload(8)), Limit: 2 });
    expect(dynamo).toHaveReceivedCommandTimes(QueryCommand, 2);
  });

  it('leaves the cursor out on the last page', async () => {
    dynamo.on(QueryCommand).resolves({ Items: [upload(1)] });

    const response = await list({ limit: '5' });

    expect(response).toEqual({ statusCode: 200, body: { items: [publicView(upload(1))] } });
    expect(dynamo).toHaveReceivedCommandWith(QueryCommand, { Limit: 5 });
  });

  it('starts after the key its cursor stands for', async () => {
    dynamo.on(QueryCommand).resolves({ Items: [] });

    await list({ cursor: encodeListCursor(keyOf(upload(7))), limit: '100' });

    expect(dynamo).toHaveReceivedCommandExactlyOnceWith(QueryCommand, { ExclusiveStartKey: keyOf(upload(7)), Limit: 100 });
  });

  it('with a status filter, queries on until the page is full, then cuts it and points the cursor at its last item', async () => {
    dynamo
      .on(QueryCommand)
      .resolvesOnce({ Items: [upload(9, 'ready')], LastEvaluatedKey: keyOf(upload(5)) })
      .resolvesOnce({ Items: [upload(4, 'ready'), upload(3, 'ready'), upload(2, 'ready')], LastEvaluatedKey: keyOf(upload(0)) });

    const response = await list({ status: 'ready', limit: '3' });

    expect(response).toEqual({
      statusCode: 200,
      body: { items: [upload(9), upload(4), upload(3)].map(publicView), cursor: encodeListCursor(keyOf(upload(3))) },
    });
    expect(dynamo).toHaveReceivedCommandTimes(QueryCommand, 2);
    expect(dynamo).toHaveReceivedNthCommandWith(QueryCommand, 1, {
      IndexName: 'byOwner',
      KeyConditionExpression: '#ownerId = :ownerId',
      FilterExpression: '#status = :status',
      ExpressionAttributeNames: { '#ownerId': 'ownerId', '#status': 'status' },
      ExpressionAttributeValues: { ':ownerId': OWNER, ':status': 'ready' },
      ScanIndexForward: false,
      Limit: 100,
    });
    expect(dynamo).toHaveReceivedNthCommandWith(QueryCommand, 2, { ExclusiveStartKey: keyOf(upload(5)) });
  });

  it(`with a status filter, stops after ${MAX_QUERIES_PER_PAGE} queries and hands out the cursor to go on from`, async () => {
    let query = 0;
    dynamo.on(QueryCommand).callsFake(async () => {
      query += 1;
      return { Items: [], LastEvaluatedKey: keyOf(upload(1_000 - query)) };
    });

    const response = await list({ status: 'failed' });

    expect(dynamo).toHaveReceivedCommandTimes(QueryCommand, MAX_QUERIES_PER_PAGE);
    expect(response).toEqual({ statusCode: 200, body: { items: [], cursor: encodeListCursor(keyOf(upload(1_000 - MAX_QUERIES_PER_PAGE))) } });
  });

  it('stops querying when the uploads end', async () => {
    dynamo
      .on(QueryCommand)
      .resolvesOnce({ Items: [upload(2, 'processing')], LastEvaluatedKey: keyOf(upload(1)) })
      .resolvesOnce({ Items: [] });

    const response = await list({ status: 'processing' });

    expect(response).toEqual({ statusCode: 200, body: { items: [publicView(upload(2, 'processing'))] } });
    expect(dynamo).toHaveReceivedCommandTimes(QueryCommand, 2);
  });

  describe('rejects bad queries with 400 and a code, querying nothing', () => {
    const validCursor = encodeListCursor(keyOf(upload(1)));
    const isValidLimit = (value: string) => /^[1-9][0-9]{0,2}$/.test(value) && Number(value) <= 100;

    async function expectRejected(query: Record<string, string>, code: string): Promise<void> {
      const response = await list(query);
      expect(response.statusCode).toBe(400);
      expect(response.body.error?.code).toBe(code);
      expect(dynamo.calls()).toHaveLength(0);
    }

    it.each([
      [{ limit: '0' }, 'INVALID_QUERY'],
      [{ limit: '101' }, 'INVALID_QUERY'],
      [{ limit: '020' }, 'INVALID_QUERY'],
      [{ limit: '1e1' }, 'INVALID_QUERY'],
      [{ limit: '' }, 'INVALID_QUERY'],
      [{ status: 'READY' }, 'INVALID_QUERY'],
      [{ status: 'ready,failed' }, 'INVALID_QUERY'],
      [{ order: 'asc' }, 'INVALID_QUERY'],
      [{ cursor: '' }, 'INVALID_CURSOR'],
      [{ cursor: 'not-a-cursor' }, 'INVALID_CURSOR'],
    ])('%j → %s', async (query, code) => {
      await expectRejected(query, code);
    });

    it('answers a cursor handed to another owner with INVALID_CURSOR, never with their uploads', async () => {
      const response = await list({ cursor: validCursor }, 'owner-2');

      expect(response).toEqual({
        statusCode: 400,
        body: { error: { code: 'INVALID_CURSOR', message: 'cursor is not one this API handed out for your uploads; start again without it' } },
      });
      expect(dynamo.calls()).toHaveLength(0);
    });

    it('any status that is not one → INVALID_QUERY', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.string({ maxLength: 40 }).filter((value) => !UPLOAD_STATUSES.includes(value as UploadStatus)),
          async (status) => expectRejected({ status }, 'INVALID_QUERY'),
        ),
        { numRuns: 1_000 },
      );
    });

    it('any limit that is not a whole number from 1 to 100 → INVALID_QUERY', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.oneof(fc.string({ maxLength: 12 }), fc.integer().map(String), fc.double().map(String)).filter((value) => !isValidLimit(value)),
          async (limit) => expectRejected({ limit }, 'INVALID_QUERY'),
        ),
        { numRuns: 1_000 },
      );
    });

    it('any cursor made of random text → INVALID_CURSOR', async () => {
      await fc.assert(
        fc.asyncProperty(fc.string({ maxLength: 2_000 }), async (cursor) => expectRejected({ cursor }, 'INVALID_CURSOR')),
        { numRuns: 1_000 },
      );
    });

    it('any cursor made of base64url random JSON → INVALID_CURSOR', async () => {
      await fc.assert(
        fc.asyncProperty(fc.jsonValue({ maxDepth: 3 }), async (value) =>
          expectRejected({ cursor: Buffer.from(JSON.stringify(value) ?? '', 'utf8').toString('base64url') }, 'INVALID_CURSOR'),
        ),
        { numRuns: 1_000 },
      );
    });

    it('any well-formed cursor of another owner → INVALID_CURSOR', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.uuid({ version: 4 }),
          fc.string({ minLength: 1, maxLength: 64 }).filter((owner) => owner !== OWNER),
          async (uploadId, ownerId) =>
            expectRejected({ cursor: encodeListCursor({ uploadId, ownerId, createdAt: '2025-01-01T00:00:00.000Z' }) }, 'INVALID_CURSOR'),
        ),
        { numRuns: 1_000 },
      );
    });

    it('any unknown parameter → INVALID_QUERY, even beside valid ones', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.string({ minLength: 1, maxLength: 20 }).filter((name) => !['status', 'limit', 'cursor'].includes(name)),
          fc.string({ maxLength: 20 }),
          async (name, value) => expectRejected({ status: 'ready', limit: '10', [name]: value }, 'INVALID_QUERY'),
        ),
        { numRuns: 1_000 },
      );
    });
  });
});
