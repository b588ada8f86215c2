import { S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

vi.hoisted(() => {
  process.env.UPLOADS_TABLE = 'uploads-table';
  process.env.UPLOADS_BUCKET = 'uploads-bucket';
});

import { handler } from '../../../../lambdas/sign-parts/handler.js';
import { MiB } from '../../../../lambdas/shared/mediaPolicy.js';
import { presignParts } from '../../../../lambdas/shared/presignParts.js';
import { UPLOAD_STATUSES, type UploadRecord } from '../../../../lambdas/shared/uploadRecord.js';
import { apiEvent } from '../../support/apiEvent.js';
import { lambdaContext } from '../../support/lambdaContext.js';
import { uploadRecord } from '../../support/uploadRecord.js';

const s3 = mockClient(S3Client);
const dynamo = mockClient(DynamoDBDocumentClient);

const NOW = new Date('2026-03-01T12:00:00.900Z');
const ID = '3f2b8c1e-5d4a-4e6f-9a8b-7c6d5e4f3a21';
const OWNER = 'owner-1';
const SIZE = 20 * MiB + 5;

function stored(overrides: Partial<UploadRecord> = {}): UploadRecord {
  return uploadRecord({
    uploadId: ID,
    ownerId: OWNER,
    size: SIZE,
    createdAt: '2026-03-01T11:00:00.000Z',
    updatedAt: '2026-03-01T11:00:00.000Z',
    expiresAt: '2026-03-02T11:00:00.000Z',
    ...overrides,
  });
}

async function sign(body: unknown, { id = ID, sub = OWNER }: { id?: string; sub?: string | null } = {}) {
  const response = (await handler(
    apiEvent({ method: 'POST', route: '/uploads/{id}/parts', pathParameters: { id }, body, sub }),
    lambdaContext(),
  )) as { statusCode: number; body: string };
  return { statusCode: response.statusCode, body: JSON.parse(response.body) as Record<string, any> };
}

describe('signParts', () => {
  beforeEach(() => {
    s3.reset();
    dynamo.reset();
    dynamo.on(GetCommand).resolves({ Item: stored() });
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(NOW);
  });

  afterEach(() => {
    vi.useRealTimers();
  });

  it("answers the owner's initiated upload with fresh URLs, each signing its part's exact length", async () => {
    const response = await sign({ partNumbers: [3, 1] });

    expect(response.statusCode).toBe(200);
    const expected = await presignParts(
      {
        bucket: 'uploads-bucket',
        key: `uploads/${ID}/source`,
        multipartUploadId: 'mpu-1',
        parts: [
          { partNumber: 3, contentLength: SIZE - 2 * 8 * MiB },
          { partNumber: 1, contentLength: 8 * MiB },
        ],
        expiresInSeconds: 900,
      },
      { signingDate: NOW },
    );
    expect(response.body).toEqual({ parts: expected, partUrlsExpireAt: '2026-03-01T12:15:00.000Z' });
    expect(dynamo.calls()).toHaveLength(1);
    expect(dynamo.commandCalls(GetCommand)[0]?.args[0].input).toEqual({
      TableName: 'uploads-table',
      Key: { uploadId: ID },
      ConsistentRead: true,
    });
    expect(s3.calls()).toHaveLength(0);
  });

  it('answers 404 NOT_FOUND for another owner’s upload, exactly as for a missing one', async () => {
    const theirs = await sign({ partNumbers: [1] }, { sub: 'someone-else' });
    dynamo.on(GetCommand).resolves({});
    const missing = await sign({ partNumbers: [1] });

    expect(theirs).toEqual({ statusCode: 404, body: { error: { code: 'NOT_FOUND', message: `Upload ${ID} was not found` } } });
    expect(missing).toEqual(theirs);
    expect(s3.calls()).toHaveLength(0);
  });

  it.each(UPLOAD_STATUSES.filter((status) => status !== 'initiated'))(
    'answers 409 INVALID_STATE naming the status when the upload is %s',
    async (status) => {
      dynamo.on(GetCommand).resolves({ Item: stored({ status }) });

      const response = await sign({ partNumbers: [1] });

      expect(response.statusCode).toBe(409);
      expect(response.body.error).toEqual({
        code: 'INVALID_STATE',
        message: `Upload ${ID} is ${status}; part URLs are only handed out while it is initiated`,
      });
      expect(s3.calls()).toHaveLength(0);
    },
  );

  it('answers 409 INVALID_STATE for an initiated upload past its deadline that the expiry job has not reached yet', async () => {
    dynamo.on(GetCommand).resolves({ Item: stored({ expiresAt: '2026-03-01T12:00:00.000Z' }) });

    const response = await sign({ partNumbers: [1] });

    expect(response.statusCode).toBe(409);
    expect(response.body.error).toEqual({
      code: 'INVALID_STATE',
      message: `Upload ${ID} expired at 2026-03-01T12:00:00.000Z; start a new upload`,
    });
    expect(s3.calls()).toHaveLength(0);
  });

  it('answers 400 INVALID_PART_NUMBERS for a part past the upload’s last, after reading the record only', async () => {
    const response = await sign({ partNumbers: [2, 4, 9] });

    expect(response.statusCode).toBe(400);
    expect(response.body.error).toEqual({ code: 'INVALID_PART_NUMBERS', message: `Upload ${ID} has 3 parts; there is no part 4, 9` });
    expect(dynamo.calls()).toHaveLength(1);
    expect(dynamo).toHaveReceivedCommandTimes(GetCommand, 1);
  });

  it.each([
    ['an id create-upload cannot have made', 404, 'NOT_FOUND', { partNumbers: [1] }, 'not-a-uuid'],
    ['an upper-case id', 404, 'NOT_FOUND', { partNumbers: [1] }, ID.toUpperCase()],
    ['no body', 400, 'INVALID_REQUEST', undefined, ID],
    ['a list instead of an object', 400, 'INVALID_REQUEST', [1, 2], ID],
    ['an unknown field', 400, 'INVALID_REQUEST', { partNumbers: [1], expiresIn: 3600 }, ID],
    ['no partNumbers', 400, 'INVALID_PART_NUMBERS', {}, ID],
    ['an empty list', 400, 'INVALID_PART_NUMBERS', { partNumbers: [] }, ID],
    ['a repeated part', 400, 'INVALID_PART_NUMBERS', { partNumbers: [1, 2, 1] }, ID],
    ['part 0', 400, 'INVALID_PART_NUMBERS', { partNumbers: [0] }, ID],
    ['part 10001', 400, 'INVALID_PART_NUMBERS', { partNumbers: [10_001] }, ID],
    ['a fractional part', 400, 'INVALID_PART_NUMBERS', { partNumbers: [1.5] }, ID],
    ['a part as a string', 400, 'INVALID_PART_NUMBERS', { partNumbers: ['1'] }, ID],
    ['1,001 parts', 400, 'INVALID_PART_NUMBERS', { partNumbers: Array.from({ length: 1001 }, (_, index) => index + 1) }, ID],
  ])('answers %s with %i %s and reads nothing', async (_name, status, code, body, id) => {
    const response = await sign(body, { id });

    expect(response.statusCode).toBe(status);
    expect(response.body.error.code).toBe(code);
    expect(dynamo.calls()).toHaveLength(0);
    expect(s3.calls()).toHaveLength(0);
  });

  it('answers 401 without a caller identity and reads nothing', async () => {
    const response = await sign({ partNumbers: [1] }, { sub: null });

    expect(response.statusCode).toBe(401);
    expect(dynamo.calls()).toHaveLength(0);
  });

  it('property: every list that is not 1 to 1,000 distinct integers from 1 to 10,000 is refused with 400 INVALID_PART_NUMBERS and nothing read', async () => {
    const notInteger = fc.oneof(fc.double().filter((n) => !Number.isInteger(n)), fc.string(), fc.boolean(), fc.constant(null), fc.object());
    const bad = fc.oneof(
      fc.constant([]),
      fc.array(fc.integer({ min: 1, max: 10_000 }), { minLength: 1, maxLength: 20 }).map((list) => [...list, list[0]]),
      fc.array(fc.oneof(fc.integer({ max: 0 }), fc.integer({ min: 10_001 })), { minLength: 1, maxLength: 5 }),
      fc.tuple(fc.array(fc.integer({ min: 1, max: 10_000 }), { maxLength: 5 }), notInteger).map(([list, odd]) => [...list, odd]),
      fc.uniqueArray(fc.integer({ min: 1, max: 10_000 }), { minLength: 1001, maxLength: 1100 }),
      fc.oneof(fc.integer(), fc.string(), fc.object(), fc.constant(null)),
    );
    await fc.assert(
      fc.asyncProperty(bad, async (partNumbers) => {
        dynamo.resetHistory();
        const response = await sign({ partNumbers });
        expect(response.statusCode).toBe(400);
        expect(response.body.error.code).toBe('INVALID_PART_NUMBERS');
        expect(dynamo.calls()).toHaveLength(0);
        expect(s3.calls()).toHaveLength(0);
      }),
      { numRuns: 1_000 },
    );
  }, 60_000);

  it('property: every list of distinct parts of the upload is answered with one URL per part, in the order asked', async () => {
    const partCount = 1_000;
    dynamo.on(GetCommand).resolves({ Item: stored({ size: partCount * 5 * MiB - 1, partSize: 5 * MiB, partCount }) });
    await fc.assert(
      fc.asyncProperty(fc.uniqueArray(fc.integer({ min: 1, max: partCount }), { minLength: 1, maxLength: 50 }), async (partNumbers) => {
        const response = await sign({ partNumbers });
        expect(response.statusCode).toBe(200);
        expect(response.body.parts.map((part: { partNumber: number }) => part.partNumber)).toEqual(partNumbers);
        for (const part of response.body.parts as { partNumber: number; url: string }[]) {
          expect(new URL(part.url).searchParams.get('partNumber')).toBe(String(part.partNumber));
        }
      }),
      { numRuns: 200 },
    );
  }, 60_000);
});
