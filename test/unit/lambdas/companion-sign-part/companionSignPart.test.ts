import { ListPartsCommand, S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

vi.hoisted(() => {
  process.env.UPLOADS_TABLE = 'uploads-table';
  process.env.UPLOADS_BUCKET = 'uploads-bucket';
});

import { handler } from '../../../../lambdas/companion-sign-part/handler.js';
import { GiB, MiB } from '../../../../lambdas/shared/mediaPolicy.js';
import { presignParts } from '../../../../lambdas/shared/presignParts.js';
import { OPEN_PART_WINDOW } from '../../../../lambdas/shared/signUploadParts.js';
import type { UploadRecord } from '../../../../lambdas/shared/uploadRecord.js';
import { apiEvent } from '../../support/apiEvent.js';
import { lambdaContext } from '../../support/lambdaContext.js';
import { uploadRecord } from '../../support/uploadRecord.js';

const s3 = mockClient(S3Client);
const dynamo = mockClient(DynamoDBDocumentClient);

const NOW = new Date('2025-03-01T12:10:00.000Z');
const ID = '0b8f6a52-3c1e-4d2a-9f7b-5e6d7c8b9a01';
const OWNER = 'owner-1';
const SIZE = 12 * MiB + 54_321;

function strict(overrides: Partial<UploadRecord> = {}): UploadRecord {
  return uploadRecord({ size: SIZE, partSize: 5 * MiB, partCount: 3, ...overrides });
}

function open(overrides: Partial<UploadRecord> = {}): UploadRecord {
  return uploadRecord({ sizeMode: 'open', size: 20 * GiB, partSize: 5 * MiB, partCount: 10_000, ...overrides });
}

async function sign(partNumber: string, { key = ID, id = ID, sub = OWNER }: { key?: string | null; id?: string; sub?: string } = {}) {
  const response = (await handler(
    apiEvent({
      route: '/s3/multipart/{id}/{partNumber}',
      pathParameters: { id, partNumber },
      ...(key === null ? {} : { query: { key } }),
      sub,
    }),
    lambdaContext(),
  )) as { statusCode: number; body: string };
  return { statusCode: response.statusCode, body: JSON.parse(response.body) as Record<string, any> };
}

async function expectedUrl(partNumber: number, contentLength?: number): Promise<string> {
  const [part] = await presignParts(
    {
      bucket: 'uploads-bucket',
      key: `uploads/${ID}/source`,
      multipartUploadId: 'mpu-1',
      parts: [contentLength === undefined ? { partNumber } : { partNumber, contentLength }],
      expiresInSeconds: 900,
    },
    { signingDate: NOW },
  );
  return part!.url;
}

describe('GET /s3/multipart/{id}/{partNumber} (Companion sign part)', () => {
  beforeEach(() => {
    s3.reset();
    dynamo.reset();
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(NOW);
  });

  afterEach(() => {
    vi.useRealTimers();
  });

  it("answers a strict upload's part with a URL that signs the length Uppy PUTs, and its lifetime", async () => {
    dynamo.on(GetCommand).resolves({ Item: strict() });

    const response = await sign('3');

    expect(response).toEqual({ statusCode: 200, body: { url: await expectedUrl(3, 2_151_473), expires: 900 } });
    expect(response.body.url).toContain('X-Amz-SignedHeaders=content-length%3Bhost');
    expect(s3.calls()).toHaveLength(0);
  });

  it('answers an open upload with a URL whose length is unsigned, after checking what S3 holds', async () => {
    dynamo.on(GetCommand).resolves({ Item: open() });
    s3.on(ListPartsCommand).resolves({ Parts: [{ PartNumber: 1, Size: 5 * MiB, ETag: '"e1"' }], IsTruncated: false });

    const response = await sign('2');

    expect(response).toEqual({ statusCode: 200, body: { url: await expectedUrl(2), expires: 900 } });
    expect(response.body.url).toContain('X-Amz-SignedHeaders=host&');
    expect(s3).toHaveReceivedCommandWith(ListPartsCommand, { Bucket: 'uploads-bucket', Key: `uploads/${ID}/source`, UploadId: 'mpu-1' });
  });

  it(`signs an open upload's parts only up to ${OPEN_PART_WINDOW} past the highest part S3 holds: its URLs sign no length`, async () => {
    dynamo.on(GetCommand).resolves({ Item: open() });
    s3.on(ListPartsCommand).resolves({ Parts: [{ PartNumber: 3, Size: 5 * MiB, ETag: '"e3"' }], IsTruncated: false });

    expect((await sign(String(3 + OPEN_PART_WINDOW))).statusCode).toBe(200);
    const ahead = await sign(String(4 + OPEN_PART_WINDOW));

    expect(ahead.statusCode).toBe(400);
    expect(ahead.body.error).toEqual({
      code: 'INVALID_PART_NUMBERS',
      message: `Upload ${ID} declared no size, so its part URLs reach at most ${OPEN_PART_WINDOW} parts past the highest part S3 holds (3); ask for part ${4 + OPEN_PART_WINDOW} once the parts before it are uploaded`,
    });
  });

  it('signs the first parts of an open upload S3 holds nothing of yet', async () => {
    dynamo.on(GetCommand).resolves({ Item: open() });
    s3.on(ListPartsCommand).resolves({ Parts: [], IsTruncated: false });

    expect((await sign(String(OPEN_PART_WINDOW))).statusCode).toBe(200);
    expect((await sign(String(OPEN_PART_WINDOW + 1))).statusCode).toBe(400);
  });

  it('stops signing an open upload once S3 holds more than the size limit: 413 TOO_LARGE', async () => {
    dynamo.on(GetCommand).resolves({ Item: open() });
    s3.on(ListPartsCommand).resolves({
      Parts: [
        { PartNumber: 1, Size: 5 * GiB, ETag: '"e1"' },
        { PartNumber: 2, Size: 5 * GiB, ETag: '"e2"' },
        { PartNumber: 3, Size: 5 * GiB, ETag: '"e3"' },
        { PartNumber: 4, Size: 5 * GiB, ETag: '"e4"' },
        { PartNumber: 5, Size: 1, ETag: '"e5"' },
      ],
      IsTruncated: false,
    });

    const response = await sign('6');

    expect(response.statusCode).toBe(413);
    expect(response.body.error).toEqual({
      code: 'TOO_LARGE',
      message: `S3 already holds ${20 * GiB + 1} bytes of upload ${ID}, over the limit of ${20 * GiB} bytes`,
    });
    expect(response.body.message).toBe(response.body.error.message);
  });

  it.each([
    ['no key', { key: null }, 400, 'INVALID_KEY'],
    ['a key that is not the upload id', { key: 'uploads/other/source' }, 400, 'INVALID_KEY'],
    ['an id that cannot be an upload id', { id: 'nope', key: 'nope' }, 404, 'NOT_FOUND'],
  ])('answers %s with %i %s before reading anything', async (_case, options, status, code) => {
    const response = await sign('1', options);

    expect(response.statusCode).toBe(status);
    expect(response.body.error.code).toBe(code);
    expect(response.body.message).toBe(response.body.error.message);
    expect(dynamo.calls()).toHaveLength(0);
  });

  it.each(['0', '10001', '1.5', '01', 'batch2', '-1'])('answers part number %s with 400 INVALID_PART_NUMBERS', async (partNumber) => {
    const response = await sign(partNumber);

    expect(response.statusCode).toBe(400);
    expect(response.body.error.code).toBe('INVALID_PART_NUMBERS');
    expect(dynamo.calls()).toHaveLength(0);
  });

  it('answers a part past the strict plan with 400 INVALID_PART_NUMBERS', async () => {
    dynamo.on(GetCommand).resolves({ Item: strict() });

    const response = await sign('4');

    expect(response.statusCode).toBe(400);
    expect(response.body.error).toEqual({ code: 'INVALID_PART_NUMBERS', message: `Upload ${ID} has 3 parts; there is no part 4` });
  });

  it("answers another owner's upload 404, and an uploaded one 409 INVALID_STATE", async () => {
    dynamo.on(GetCommand).resolves({ Item: strict() });
    expect((await sign('1', { sub: 'someone-else' })).statusCode).toBe(404);

    dynamo.on(GetCommand).resolves({ Item: strict({ status: 'uploaded' }) });
    const uploaded = await sign('1');
    expect(uploaded.statusCode).toBe(409);
    expect(uploaded.body.message).toBe(`Upload ${ID} is uploaded; part URLs are only handed out while it is initiated`);
  });
});

describe('GET /s3/multipart/{id}/{partNumber} on a single-PUT upload', () => {
  beforeEach(() => {
    dynamo.reset();
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(NOW);
  });

  afterEach(() => {
    vi.useRealTimers();
  });

  it('answers 409 INVALID_STATE: one PUT of the whole file has no parts', async () => {
    const { multipartUploadId: _none, ...single } = strict({ partCount: 1, partSize: SIZE });
    dynamo.on(GetCommand).resolves({ Item: single });

    const response = await sign('1');

    expect(response.statusCode).toBe(409);
    expect(response.body.message).toBe(`Upload ${ID} is one PUT of the whole file, not a multipart upload; it has no parts to sign`);
  });
});
