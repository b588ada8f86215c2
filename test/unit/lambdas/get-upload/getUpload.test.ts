import { ListPartsCommand, NoSuchUpload, S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

vi.hoisted(() => {
  process.env.UPLOADS_TABLE = 'uploads-table';
  process.env.UPLOADS_BUCKET = 'uploads-bucket';
});

import { handler } from '../../../../lambdas/get-upload/handler.js';
import { logger } from '../../../../lambdas/shared/logger.js';
import type { UploadRecord } from '../../../../lambdas/shared/uploadRecord.js';
import { apiEvent } from '../../support/apiEvent.js';
import { lambdaContext } from '../../support/lambdaContext.js';
import { uploadRecord } from '../../support/uploadRecord.js';

const dynamo = mockClient(DynamoDBDocumentClient);
const s3 = mockClient(S3Client);

const ID = '0b8f6a52-3c1e-4d2a-9f7b-5e6d7c8b9a01';
const OWNER = 'owner-1';

function stored(overrides: Partial<UploadRecord> = {}): UploadRecord {
  return uploadRecord({ uploadId: ID, ownerId: OWNER, size: 20_000_000, metadata: { title: 'Talk' }, ...overrides });
}

/** What a client may see of a record: never the owner, the key, the S3 upload id or the index key. */
function publicView(record: UploadRecord): Record<string, unknown> {
  const { ownerId: _o, sourceKey: _k, multipartUploadId: _m, pendingExpiry: _p, ...rest } = record;
  return rest;
}

async function get(id: string, sub = OWNER): Promise<{ statusCode: number; body: Record<string, unknown> }> {
  const response = (await handler(
    apiEvent({ method: 'GET', route: '/uploads/{id}', pathParameters: { id }, sub }),
    lambdaContext(),
  )) as { statusCode: number; body: string };
  return { statusCode: response.statusCode, body: JSON.parse(response.body) };
}

describe('getUpload', () => {
  beforeEach(() => {
    dynamo.reset();
    s3.reset();
  });

  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('answers an initiated upload with its public record and the parts S3 holds, from ListParts', async () => {
    dynamo.on(GetCommand).resolves({ Item: stored() });
    s3.on(ListPartsCommand).resolves({
      Parts: [
        { PartNumber: 1, Size: 8_388_608, ETag: '"e1"' },
        { PartNumber: 3, Size: 3_222_784, ETag: '"e3"' },
      ],
      IsTruncated: false,
    });

    const response = await get(ID);

    expect(response).toEqual({
      statusCode: 200,
      body: {
        ...publicView(stored()),
        uploadedParts: [
          { partNumber: 1, size: 8_388_608, etag: '"e1"' },
          { partNumber: 3, size: 3_222_784, etag: '"e3"' },
        ],
      },
    });
    expect(dynamo).toHaveReceivedCommandExactlyOnceWith(GetCommand, { TableName: 'uploads-table', Key: { uploadId: ID }, ConsistentRead: true });
    expect(s3).toHaveReceivedCommandExactlyOnceWith(ListPartsCommand, {
      Bucket: 'uploads-bucket',
      Key: `uploads/${ID}/source`,
      UploadId: 'mpu-1',
    });
  });

  it('answers an initiated upload whose multipart upload S3 no longer knows with no uploaded parts, not a 500', async () => {
    dynamo.on(GetCommand).resolves({ Item: stored() });
    s3.on(ListPartsCommand).rejects(new NoSuchUpload({ message: 'The specified upload does not exist', $metadata: {} }));

    const response = await get(ID);

    expect(response).toEqual({ statusCode: 200, body: { ...publicView(stored()), uploadedParts: [] } });
  });

  it.each(['uploaded', 'processing', 'ready', 'failed', 'cancelled', 'expired'] as const)(
    'answers a %s upload with its public record alone and asks S3 nothing',
    async (status) => {
      const record = stored({ status, pendingExpiry: undefined });
      dynamo.on(GetCommand).resolves({ Item: record });

      const response = await get(ID);

      expect(response).toEqual({ statusCode: 200, body: publicView(record) });
      expect(s3).not.toHaveReceivedAnyCommand();
    },
  );

  it("answers another owner's upload with 404 NOT_FOUND, exactly like a missing one, and asks S3 nothing", async () => {
    dynamo.on(GetCommand).resolves({ Item: stored() });
    const foreign = await get(ID, 'owner-2');
    dynamo.on(GetCommand).resolves({});
    const missing = await get(ID, 'owner-2');

    expect(foreign).toEqual({ statusCode: 404, body: { error: { code: 'NOT_FOUND', message: `Upload ${ID} was not found` } } });
    expect(foreign).toEqual(missing);
    expect(s3).not.toHaveReceivedAnyCommand();
  });

  it.each(['not-an-id', '../../etc/passwd', `${ID}x`, ID.toUpperCase()])(
    'answers the path id %j with 404 NOT_FOUND without reading the table',
    async (id) => {
      const response = await get(id);

      expect(response.statusCode).toBe(404);
      expect(response.body).toMatchObject({ error: { code: 'NOT_FOUND' } });
      expect(dynamo).not.toHaveReceivedAnyCommand();
      expect(s3).not.toHaveReceivedAnyCommand();
    },
  );

  it('answers an S3 failure other than NoSuchUpload with a plain 500', async () => {
    vi.spyOn(logger, 'error').mockImplementation(() => undefined);
    dynamo.on(GetCommand).resolves({ Item: stored() });
    s3.on(ListPartsCommand).rejects(Object.assign(new Error('Access Denied for mpu-1'), { name: 'AccessDenied' }));

    const response = await get(ID);

    expect(response).toEqual({
      statusCode: 500,
      body: { error: { code: 'INTERNAL_ERROR', message: 'Something went wrong on our side; try again later' } },
    });
  });
});
