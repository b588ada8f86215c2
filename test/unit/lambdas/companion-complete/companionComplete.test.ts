import { AbortMultipartUploadCommand, CompleteMultipartUploadCommand, ListPartsCommand, S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

vi.hoisted(() => {
  process.env.UPLOADS_TABLE = 'uploads-table';
  process.env.USAGE_TABLE = 'usage-table';
  process.env.UPLOADS_BUCKET = 'uploads-bucket';
});

import { handler } from '../../../../lambdas/companion-complete/handler.js';
import { logger } from '../../../../lambdas/shared/logger.js';
import { GiB, MiB } from '../../../../lambdas/shared/mediaPolicy.js';
import type { UploadRecord } from '../../../../lambdas/shared/uploadRecord.js';
import { apiEvent } from '../../support/apiEvent.js';
import { lambdaContext } from '../../support/lambdaContext.js';
import { uploadRecord } from '../../support/uploadRecord.js';

const s3 = mockClient(S3Client);
const dynamo = mockClient(DynamoDBDocumentClient);

const ID = '0b8f6a52-3c1e-4d2a-9f7b-5e6d7c8b9a01';
const KEY = `uploads/${ID}/source`;
const UPLOADS = { TableName: 'uploads-table' };
const USAGE = { TableName: 'usage-table' };
const SIZE = 12 * MiB + 54_321;
const S3_PARTS = [
  { PartNumber: 1, Size: 5 * MiB, ETag: '"e1"' },
  { PartNumber: 2, Size: 5 * MiB, ETag: '"e2"' },
  { PartNumber: 3, Size: 2_151_473, ETag: '"e3"' },
];
const UPPY_PARTS = [
  { PartNumber: 1, ETag: '"e1"' },
  { PartNumber: 2, ETag: 'e2' },
  { PartNumber: 3, ETag: '"e3"' },
];

async function complete(body: unknown, key = ID) {
  const response = (await handler(
    apiEvent({ method: 'POST', route: '/s3/multipart/{id}/complete', pathParameters: { id: ID }, query: { key }, body, sub: 'owner-1' }),
    lambdaContext(),
  )) as { statusCode: number; body: string };
  return { statusCode: response.statusCode, body: JSON.parse(response.body) as Record<string, any> };
}

function recordWrites() {
  return dynamo.commandCalls(UpdateCommand, UPLOADS).map((call) => call.args[0].input);
}

describe('POST /s3/multipart/{id}/complete (Companion complete)', () => {
  beforeEach(() => {
    s3.reset();
    dynamo.reset();
    s3.on(ListPartsCommand).resolves({ Parts: S3_PARTS, IsTruncated: false });
    s3.on(CompleteMultipartUploadCommand).resolves({});
    s3.on(AbortMultipartUploadCommand).resolves({});
    dynamo.on(GetCommand, USAGE).resolves({});
    dynamo.on(UpdateCommand, USAGE).resolves({});
    vi.spyOn(logger, 'warn').mockImplementation(() => undefined);
  });

  afterEach(() => {
    vi.restoreAllMocks();
  });

  describe('a strict upload (size declared at create)', () => {
    beforeEach(() => {
      dynamo.on(GetCommand, UPLOADS).resolves({ Item: uploadRecord({ size: SIZE, partSize: 5 * MiB, partCount: 3 }) });
      dynamo.on(UpdateCommand, UPLOADS).resolves({ Attributes: uploadRecord({ status: 'uploaded', size: SIZE }) });
    });

    it('completes with the parts Uppy sends (ETags quoted or not), moves the record to uploaded and answers its location', async () => {
      const response = await complete({ parts: UPPY_PARTS });

      expect(response).toEqual({ statusCode: 200, body: { location: `/uploads/${ID}` } });
      expect(s3).toHaveReceivedCommandWith(CompleteMultipartUploadCommand, {
        Key: KEY,
        MultipartUpload: { Parts: S3_PARTS.map(({ PartNumber, ETag }) => ({ PartNumber, ETag })) },
      });
      const [marking, uploaded] = recordWrites();
      expect(recordWrites()).toHaveLength(2);
      // Marked before S3 is asked: Uppy's DELETE after an errored complete must not cancel what S3 is completing.
      expect(marking!.ExpressionAttributeValues).toMatchObject({ ':to': 'initiated', ':from0': 'initiated' });
      expect(marking!.ExpressionAttributeNames).toMatchObject({ '#p0': 'completingSince' });
      expect(uploaded!.ExpressionAttributeValues).toMatchObject({ ':to': 'uploaded', ':from0': 'initiated' });
    });

    it('answers a part whose ETag S3 does not hold 422 PART_MISMATCH with the message at the top, and changes nothing', async () => {
      const response = await complete({ parts: [{ PartNumber: 1, ETag: '"other"' }] });

      expect(response.statusCode).toBe(422);
      expect(response.body.error.code).toBe('PART_MISMATCH');
      expect(response.body.message).toBe(response.body.error.message);
      expect(s3).not.toHaveReceivedCommand(CompleteMultipartUploadCommand);
      expect(dynamo).not.toHaveReceivedCommand(UpdateCommand);
    });
  });

  describe('an open upload (no size declared)', () => {
    const open = (overrides: Partial<UploadRecord> = {}) =>
      uploadRecord({ sizeMode: 'open', size: 20 * GiB, partSize: 5 * MiB, partCount: 10_000, usageTracked: true, ...overrides });

    it('sizes the share and the record from the parts S3 holds, then completes like a strict one', async () => {
      dynamo.on(GetCommand, UPLOADS).resolves({ Item: open() });
      dynamo.on(GetCommand, USAGE).resolves({
        Item: {
          ownerId: 'owner-1',
          activeUploads: 1,
          bytesInFlight: 20 * GiB,
          bytesHeld: 20 * GiB,
          hour: 1,
          uploadsThisHour: 1,
          active: { [ID]: { size: 20 * GiB, phase: 'initiated', reservedAt: '2025-03-01T12:00:00.000Z' } },
          released: {},
          updatedAt: '2025-03-01T12:00:00.000Z',
        },
      });
      const sized = open({ size: SIZE, partSize: 5 * MiB, partCount: 3, completingSince: '2025-03-01T12:10:00.000Z' });
      dynamo.on(UpdateCommand, UPLOADS)
        .resolvesOnce({ Attributes: sized })
        .resolves({ Attributes: { ...sized, status: 'uploaded' } });

      let recordWritesBeforeS3Completed = -1;
      s3.on(CompleteMultipartUploadCommand).callsFake(() => {
        recordWritesBeforeS3Completed = recordWrites().length;
        return {};
      });

      const response = await complete({ parts: UPPY_PARTS });

      expect(response).toEqual({ statusCode: 200, body: { location: `/uploads/${ID}` } });
      const resize = dynamo.commandCalls(UpdateCommand, USAGE)[0]!.args[0].input;
      expect(resize.UpdateExpression).toBe('SET #active.#upload.#size = :size, #updatedAt = :now ADD #bytesInFlight :delta, #bytesHeld :delta');
      expect(resize.ExpressionAttributeValues).toMatchObject({ ':size': SIZE, ':delta': SIZE - 20 * GiB, ':seenSize': 20 * GiB });
      const [sizing, uploaded] = recordWrites();
      expect(sizing!.ExpressionAttributeValues).toMatchObject({ ':to': 'initiated', ':from0': 'initiated', ':p0': SIZE, ':p1': 5 * MiB, ':p2': 3 });
      expect(sizing!.ExpressionAttributeNames).toMatchObject({ '#p0': 'size', '#p1': 'partSize', '#p2': 'partCount', '#p3': 'completingSince' });
      expect(recordWrites()).toHaveLength(2);
      expect(uploaded!.ExpressionAttributeValues).toMatchObject({ ':to': 'uploaded' });
      // The record is sized before S3 completes, so processing (which claims an original of the recorded size) finds the real size.
      expect(recordWritesBeforeS3Completed).toBe(1);
    });

    it('answers a missing part 422 PARTS_MISSING and sizes nothing', async () => {
      dynamo.on(GetCommand, UPLOADS).resolves({ Item: open() });
      s3.on(ListPartsCommand).resolves({ Parts: [S3_PARTS[0]!, S3_PARTS[2]!], IsTruncated: false });

      const response = await complete({ parts: [{ PartNumber: 1, ETag: '"e1"' }, { PartNumber: 3, ETag: '"e3"' }] });

      expect(response.statusCode).toBe(422);
      expect(response.body.error).toEqual({ code: 'PARTS_MISSING', message: '1 of 3 parts are not uploaded yet: 2' });
      expect(dynamo).not.toHaveReceivedCommand(UpdateCommand);
      expect(s3).not.toHaveReceivedCommand(CompleteMultipartUploadCommand);
    });

    it('fails and aborts an upload whose parts add up to more than the size limit: 413 TOO_LARGE', async () => {
      dynamo.on(GetCommand, UPLOADS).resolves({ Item: open() });
      const big = Array.from({ length: 5 }, (_, index) => ({ PartNumber: index + 1, Size: 5 * GiB, ETag: `"e${index + 1}"` }));
      s3.on(ListPartsCommand).resolves({ Parts: big, IsTruncated: false });
      dynamo.on(UpdateCommand, UPLOADS).resolves({ Attributes: open({ status: 'failed' }) });

      const response = await complete({ parts: big.map(({ PartNumber, ETag }) => ({ PartNumber, ETag })) });

      expect(response.statusCode).toBe(413);
      expect(response.body.message).toBe(`S3 holds ${25 * GiB} bytes in 5 parts, over the limit of ${20 * GiB} bytes`);
      expect(recordWrites()[0]!.ExpressionAttributeValues).toMatchObject({ ':to': 'failed', ':p0': { code: 'TOO_LARGE', message: response.body.message } });
      expect(s3).toHaveReceivedCommandWith(AbortMultipartUploadCommand, { Key: KEY, UploadId: 'mpu-1' });
      expect(s3).not.toHaveReceivedCommand(CompleteMultipartUploadCommand);
    });
  });

  it.each([
    ['no parts', {}],
    ['an empty list', { parts: [] }],
    ['the pipeline field names', { parts: [{ partNumber: 1, etag: '"e1"' }] }],
    ['a repeated part', { parts: [UPPY_PARTS[0], UPPY_PARTS[0]] }],
    ['part number 0', { parts: [{ PartNumber: 0, ETag: '"e"' }] }],
  ])('answers %s 400 INVALID_PARTS before reading anything', async (_case, body) => {
    const response = await complete(body);

    expect(response.statusCode).toBe(400);
    expect(response.body.error.code).toBe('INVALID_PARTS');
    expect(response.body.message).toBe(response.body.error.message);
    expect(dynamo.calls()).toHaveLength(0);
  });

  it('answers a wrong key 400 INVALID_KEY', async () => {
    const response = await complete({ parts: UPPY_PARTS }, 'uploads/x/source');

    expect(response.statusCode).toBe(400);
    expect(response.body.error.code).toBe('INVALID_KEY');
    expect(dynamo.calls()).toHaveLength(0);
  });
});
