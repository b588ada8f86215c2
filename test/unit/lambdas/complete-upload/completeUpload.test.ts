import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectAttributesCommand,
  ListObjectsV2Command,
  ListPartsCommand,
  NoSuchUpload,
  S3Client,
} from '@aws-sdk/client-s3';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

vi.hoisted(() => {
  process.env.UPLOADS_TABLE = 'uploads-table';
  process.env.USAGE_TABLE = 'usage-table';
  process.env.UPLOADS_BUCKET = 'uploads-bucket';
});

import { handler } from '../../../../lambdas/complete-upload/handler.js';
import { logger } from '../../../../lambdas/shared/logger.js';
import type { ObjectChecksum, UploadRecord, UploadStatus } from '../../../../lambdas/shared/uploadRecord.js';
import { apiEvent } from '../../support/apiEvent.js';
import { lambdaContext } from '../../support/lambdaContext.js';
import { originalListing } from '../../support/originalListing.js';
import { uploadRecord } from '../../support/uploadRecord.js';

const dynamo = mockClient(DynamoDBDocumentClient);
const s3 = mockClient(S3Client);

const ID = '0b8f6a52-3c1e-4d2a-9f7b-5e6d7c8b9a01';
const OWNER = 'owner-1';
const KEY = `uploads/${ID}/source`;
const MiB = 1024 * 1024;
const SIZE = 20 * MiB + 5;

function stored(overrides: Partial<UploadRecord> = {}): UploadRecord {
  return uploadRecord({ uploadId: ID, ownerId: OWNER, size: SIZE, ...overrides });
}

function after(status: UploadStatus, overrides: Partial<UploadRecord> = {}): UploadRecord {
  return stored({ status, pendingExpiry: undefined, updatedAt: '2025-03-01T12:30:00.000Z', ...overrides });
}

function publicView(record: UploadRecord): Record<string, unknown> {
  const { ownerId: _o, sourceKey: _k, multipartUploadId: _m, pendingExpiry: _p, ...rest } = record;
  return rest;
}

const S3_PARTS = [
  { PartNumber: 1, Size: 8 * MiB, ETag: '"e1"' },
  { PartNumber: 2, Size: 8 * MiB, ETag: '"e2"' },
  { PartNumber: 3, Size: 4 * MiB + 5, ETag: '"e3"' },
];

const noSuchUpload = () => new NoSuchUpload({ message: 'The specified upload does not exist', $metadata: {} });
const conditionFailed = () => new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} });

async function complete(body?: unknown, options: { id?: string; sub?: string } = {}) {
  const response = (await handler(
    apiEvent({
      method: 'POST',
      route: '/uploads/{id}/complete',
      pathParameters: { id: options.id ?? ID },
      sub: options.sub ?? OWNER,
      ...(body === undefined ? {} : { body }),
    }),
    lambdaContext(),
  )) as { statusCode: number; body: string };
  return { statusCode: response.statusCode, body: JSON.parse(response.body) as Record<string, unknown> };
}

function expectNothingWritten(): void {
  expect(dynamo).not.toHaveReceivedCommand(UpdateCommand);
  expect(s3).not.toHaveReceivedCommand(CompleteMultipartUploadCommand);
  expect(s3).not.toHaveReceivedCommand(AbortMultipartUploadCommand);
  expect(s3).not.toHaveReceivedCommand(DeleteObjectCommand);
}

describe('completeUpload', () => {
  beforeEach(() => {
    dynamo.reset();
    s3.reset();
    vi.spyOn(logger, 'warn').mockImplementation(() => undefined);
    vi.spyOn(logger, 'info').mockImplementation(() => undefined);
    vi.spyOn(logger, 'error').mockImplementation(() => undefined);
  });

  afterEach(() => {
    vi.restoreAllMocks();
  });

  describe('with every part in S3 at the planned sizes', () => {
    beforeEach(() => {
      dynamo.on(GetCommand).resolves({ Item: stored() });
      s3.on(ListPartsCommand).resolves({ Parts: S3_PARTS, IsTruncated: false });
      s3.on(CompleteMultipartUploadCommand).resolves({});
      dynamo.on(UpdateCommand).resolves({ Attributes: after('uploaded') });
    });

    it('completes the multipart upload with the parts from ListParts, moves the record to uploaded and answers 200 with it', async () => {
      const response = await complete();

      expect(response).toEqual({ statusCode: 200, body: publicView(after('uploaded')) });
      expect(s3).toHaveReceivedCommandWith(ListPartsCommand, { Bucket: 'uploads-bucket', Key: KEY, UploadId: 'mpu-1' });
      expect(s3).toHaveReceivedCommandExactlyOnceWith(CompleteMultipartUploadCommand, {
        Bucket: 'uploads-bucket',
        Key: KEY,
        UploadId: 'mpu-1',
        MultipartUpload: {
          Parts: [
            { PartNumber: 1, ETag: '"e1"' },
            { PartNumber: 2, ETag: '"e2"' },
            { PartNumber: 3, ETag: '"e3"' },
          ],
        },
      });
      expect(dynamo).toHaveReceivedCommandTimes(UpdateCommand, 2);
      expect(dynamo).toHaveReceivedCommandWith(UpdateCommand, {
        TableName: 'uploads-table',
        Key: { uploadId: ID },
        ConditionExpression: '#status IN (:from0) AND #ownerId = :ownerId',
        ExpressionAttributeValues: expect.objectContaining({ ':to': 'uploaded', ':from0': 'initiated', ':ownerId': OWNER }),
      });
      expect(s3).not.toHaveReceivedCommand(AbortMultipartUploadCommand);
    });

    it('marks the upload as being completed before S3 completes it, so that Companion’s DELETE (sent when this call errs) cannot cancel it', async () => {
      let marksBeforeS3: string[] = [];
      s3.on(CompleteMultipartUploadCommand).callsFake(() => {
        marksBeforeS3 = dynamo
          .commandCalls(UpdateCommand)
          .map((call) => call.args[0].input)
          .filter((input) => Object.values(input.ExpressionAttributeNames ?? {}).includes('completingSince'))
          .map((input) => input.ConditionExpression ?? '');
        return {};
      });

      await complete();

      expect(marksBeforeS3).toEqual(['#status IN (:from0) AND #ownerId = :ownerId']);
    });

    it('accepts the client’s own list when it matches what S3 holds, with or without ETag quotes', async () => {
      const response = await complete({
        parts: [
          { partNumber: 1, etag: 'e1' },
          { partNumber: 2, etag: '"e2"' },
          { partNumber: 3, etag: 'e3' },
        ],
      });

      expect(response.statusCode).toBe(200);
      expect(s3).toHaveReceivedCommandOnce(CompleteMultipartUploadCommand);
    });

    it('rejects a client part S3 does not hold with 422 PART_MISMATCH and writes nothing', async () => {
      const response = await complete({ parts: [{ partNumber: 1, etag: '"e1"' }, { partNumber: 4, etag: '"e4"' }] });

      expect(response).toEqual({
        statusCode: 422,
        body: { error: { code: 'PART_MISMATCH', message: 'S3 holds no part 4; upload it before completing' } },
      });
      expectNothingWritten();
    });

    it('rejects a client ETag S3 does not hold with 422 PART_MISMATCH and writes nothing', async () => {
      const response = await complete({ parts: [{ partNumber: 2, etag: '"stale"' }] });

      expect(response.statusCode).toBe(422);
      expect(response.body).toMatchObject({ error: { code: 'PART_MISMATCH' } });
      expectNothingWritten();
    });

    it('answers 200 with the current record when processing moved it to uploaded first', async () => {
      dynamo.on(UpdateCommand).resolvesOnce({ Attributes: stored({ completingSince: '2025-03-01T12:30:00.000Z' }) }).rejects(conditionFailed());
      dynamo
        .on(GetCommand)
        .resolvesOnce({ Item: stored() })
        .resolves({ Item: after('processing', { progress: 10, stage: 'probe' }) });

      const response = await complete();

      expect(response).toEqual({ statusCode: 200, body: publicView(after('processing', { progress: 10, stage: 'probe' })) });
      expect(s3).not.toHaveReceivedCommand(DeleteObjectCommand);
    });

    it.each(['cancelled', 'expired'] as const)(
      'deletes the just-completed original and answers 409 when the upload was %s meanwhile',
      async (status) => {
        dynamo.on(UpdateCommand).resolvesOnce({ Attributes: stored({ completingSince: '2025-03-01T12:30:00.000Z' }) }).rejects(conditionFailed());
        dynamo.on(GetCommand).resolvesOnce({ Item: stored() }).resolves({ Item: after(status) });
        s3.on(DeleteObjectCommand).resolves({});

        const response = await complete();

        expect(response).toEqual({
          statusCode: 409,
          body: { error: { code: 'INVALID_STATE', message: `Upload ${ID} is ${status}; it must be initiated to become uploaded` } },
        });
        expect(s3).toHaveReceivedCommandExactlyOnceWith(DeleteObjectCommand, { Bucket: 'uploads-bucket', Key: KEY });
      },
    );

    it('answers a failing CompleteMultipartUpload with a plain 500 and leaves the record initiated (marked as being completed)', async () => {
      s3.on(CompleteMultipartUploadCommand).rejects(Object.assign(new Error('We encountered an internal error'), { name: 'InternalError' }));

      const response = await complete();

      expect(response).toEqual({
        statusCode: 500,
        body: { error: { code: 'INTERNAL_ERROR', message: 'Something went wrong on our side; try again later' } },
      });
      expect(dynamo).toHaveReceivedCommandOnce(UpdateCommand);
      expect(dynamo).toHaveReceivedCommandWith(UpdateCommand, { ExpressionAttributeValues: expect.objectContaining({ ':to': 'initiated' }) });
    });
  });

  it('answers 422 PARTS_MISSING listing the missing numbers, and changes nothing so the client can upload them and retry', async () => {
    dynamo.on(GetCommand).resolves({ Item: stored() });
    s3.on(ListPartsCommand).resolves({ Parts: [S3_PARTS[1]!], IsTruncated: false });

    const response = await complete();

    expect(response).toEqual({
      statusCode: 422,
      body: { error: { code: 'PARTS_MISSING', message: '2 of 3 parts are not uploaded yet: 1, 3' } },
    });
    expectNothingWritten();
  });

  it('bounds the list of missing part numbers in the message and says how many there are', async () => {
    dynamo.on(GetCommand).resolves({ Item: stored({ partCount: 200, size: 200 * 8 * MiB }) });
    s3.on(ListPartsCommand).resolves({ Parts: [], IsTruncated: false });

    const response = await complete();

    const message = (response.body.error as { message: string }).message;
    expect(message).toMatch(/^200 of 200 parts are not uploaded yet: 1, 2, 3, .*, 50, … \(200 in all\)$/);
    expect(message.split(', ')).toHaveLength(51);
    expectNothingWritten();
  });

  it('fails the upload with SIZE_MISMATCH, aborts the multipart upload and answers 422 when the total is not the declared size', async () => {
    const order: string[] = [];
    dynamo.on(GetCommand).resolves({ Item: stored() });
    s3.on(ListPartsCommand).resolves({ Parts: [S3_PARTS[0]!, S3_PARTS[1]!, { PartNumber: 3, Size: 4 * MiB, ETag: '"e3"' }] });
    dynamo.on(UpdateCommand).callsFake(async () => {
      order.push('transition');
      return { Attributes: after('failed') };
    });
    s3.on(AbortMultipartUploadCommand).callsFake(async () => {
      order.push('abort');
      return {};
    });
    const message = `S3 holds ${20 * MiB} bytes in 3 parts but ${SIZE} bytes were declared`;

    const response = await complete();

    expect(response).toEqual({ statusCode: 422, body: { error: { code: 'SIZE_MISMATCH', message } } });
    expect(dynamo).toHaveReceivedCommandExactlyOnceWith(UpdateCommand, {
      ConditionExpression: '#status IN (:from0) AND #ownerId = :ownerId',
      ExpressionAttributeValues: expect.objectContaining({
        ':to': 'failed',
        ':from0': 'initiated',
        ':p0': { code: 'SIZE_MISMATCH', message },
      }),
    });
    expect(s3).toHaveReceivedCommandExactlyOnceWith(AbortMultipartUploadCommand, { Bucket: 'uploads-bucket', Key: KEY, UploadId: 'mpu-1' });
    expect(order).toEqual(['transition', 'abort']);
    expect(s3).not.toHaveReceivedCommand(CompleteMultipartUploadCommand);
  });

  describe('of a checksum upload', () => {
    const CHECKSUMS = ['AAAAAQ==', 'AAAAAg==', 'AAAAAw=='];
    const WHOLE = 'yZRlqg==';

    beforeEach(() => {
      dynamo.on(GetCommand).resolves({ Item: stored({ checksumAlgorithm: 'CRC32C' }) });
      s3.on(ListPartsCommand).resolves({ Parts: S3_PARTS.map((part, index) => ({ ...part, ChecksumCRC32C: CHECKSUMS[index] })), IsTruncated: false });
    });

    it("has S3 check the whole file's FULL_OBJECT CRC-32C with each part's, and keeps the verified value on the record", async () => {
      s3.on(CompleteMultipartUploadCommand).resolves({});
      dynamo.on(UpdateCommand).resolves({ Attributes: after('uploaded', { checksumAlgorithm: 'CRC32C' }) });

      const response = await complete({ checksumCRC32C: WHOLE });

      expect(response.statusCode).toBe(200);
      expect(s3).toHaveReceivedCommandExactlyOnceWith(CompleteMultipartUploadCommand, {
        ChecksumCRC32C: WHOLE,
        ChecksumType: 'FULL_OBJECT',
        MultipartUpload: {
          Parts: S3_PARTS.map((part, index) => ({ PartNumber: part.PartNumber, ETag: part.ETag, ChecksumCRC32C: CHECKSUMS[index] })),
        },
      });
      expect(dynamo).toHaveReceivedCommandWith(UpdateCommand, {
        ExpressionAttributeValues: expect.objectContaining({ ':to': 'uploaded', ':p0': { algorithm: 'CRC32C', type: 'FULL_OBJECT', value: WHOLE } }),
      });
    });

    it('answers a complete without the checksum with 400 CHECKSUM_REQUIRED and changes nothing', async () => {
      const response = await complete({});

      expect(response).toMatchObject({ statusCode: 400, body: { error: { code: 'CHECKSUM_REQUIRED' } } });
      expectNothingWritten();
    });

    it("fails the upload with CHECKSUM_MISMATCH, aborts it and answers 422 when S3 finds the parts make another file (BadDigest)", async () => {
      s3.on(CompleteMultipartUploadCommand).rejects(Object.assign(new Error('The CRC32C you specified did not match the calculated checksum.'), { name: 'BadDigest' }));
      dynamo.on(UpdateCommand).resolves({ Attributes: after('failed') });

      const response = await complete({ checksumCRC32C: WHOLE });

      expect(response).toMatchObject({ statusCode: 422, body: { error: { code: 'CHECKSUM_MISMATCH' } } });
      expect(dynamo).toHaveReceivedCommandWith(UpdateCommand, {
        ExpressionAttributeValues: expect.objectContaining({ ':to': 'failed', ':p0': expect.objectContaining({ code: 'CHECKSUM_MISMATCH' }) }),
      });
      expect(s3).toHaveReceivedCommandExactlyOnceWith(AbortMultipartUploadCommand, { Bucket: 'uploads-bucket', Key: KEY, UploadId: 'mpu-1' });
    });
  });

  it('answers a checksum for an upload created without one with 400 CHECKSUM_UNEXPECTED and changes nothing', async () => {
    dynamo.on(GetCommand).resolves({ Item: stored() });
    s3.on(ListPartsCommand).resolves({ Parts: S3_PARTS, IsTruncated: false });

    const response = await complete({ checksumCRC32C: 'yZRlqg==' });

    expect(response).toMatchObject({ statusCode: 400, body: { error: { code: 'CHECKSUM_UNEXPECTED' } } });
    expectNothingWritten();
  });

  it('fails the upload with SIZE_MISMATCH when a part other than the last has another size', async () => {
    dynamo.on(GetCommand).resolves({ Item: stored() });
    s3.on(ListPartsCommand).resolves({
      Parts: [
        { PartNumber: 1, Size: 8 * MiB + 1, ETag: '"e1"' },
        { PartNumber: 2, Size: 8 * MiB, ETag: '"e2"' },
        { PartNumber: 3, Size: 4 * MiB + 4, ETag: '"e3"' },
      ],
    });
    dynamo.on(UpdateCommand).resolves({ Attributes: after('failed') });
    s3.on(AbortMultipartUploadCommand).resolves({});

    const response = await complete();

    expect(response).toEqual({
      statusCode: 422,
      body: {
        error: {
          code: 'SIZE_MISMATCH',
          message: `Part 1 holds ${8 * MiB + 1} bytes but every part except the last must hold ${8 * MiB} bytes`,
        },
      },
    });
    expect(s3).toHaveReceivedCommandOnce(AbortMultipartUploadCommand);
    expect(s3).not.toHaveReceivedCommand(CompleteMultipartUploadCommand);
  });

  describe('when S3 no longer knows the multipart upload', () => {
    beforeEach(() => {
      dynamo.on(GetCommand).resolves({ Item: stored() });
      s3.on(ListPartsCommand).rejects(noSuchUpload());
    });

    it('finishes the state write of an earlier complete that crashed after S3 completed (the original has the declared size)', async () => {
      s3.on(ListObjectsV2Command).resolves(originalListing(KEY, SIZE));
      dynamo.on(UpdateCommand).resolves({ Attributes: after('uploaded') });

      const response = await complete();

      expect(response).toEqual({ statusCode: 200, body: publicView(after('uploaded')) });
      expect(s3).toHaveReceivedCommandExactlyOnceWith(ListObjectsV2Command, { Bucket: 'uploads-bucket', Prefix: KEY, MaxKeys: 1 });
      expect(dynamo).toHaveReceivedCommandExactlyOnceWith(UpdateCommand, {
        ExpressionAttributeValues: expect.objectContaining({ ':to': 'uploaded', ':from0': 'initiated' }),
      });
      expect(s3).not.toHaveReceivedCommand(CompleteMultipartUploadCommand);
      expect(s3).not.toHaveReceivedCommand(GetObjectAttributesCommand);
    });

    it('records the FULL_OBJECT CRC-32C S3 verified and keeps, for an upload created with checksumAlgorithm', async () => {
      const checksum: ObjectChecksum = { algorithm: 'CRC32C', type: 'FULL_OBJECT', value: 'yZRlqg==' };
      dynamo.on(GetCommand).resolves({ Item: stored({ checksumAlgorithm: 'CRC32C' }) });
      s3.on(ListObjectsV2Command).resolves(originalListing(KEY, SIZE));
      s3.on(GetObjectAttributesCommand).resolves({ Checksum: { ChecksumCRC32C: checksum.value, ChecksumType: 'FULL_OBJECT' } });
      dynamo.on(UpdateCommand).resolves({ Attributes: after('uploaded', { checksumAlgorithm: 'CRC32C', checksum }) });

      const response = await complete({ checksumCRC32C: checksum.value });

      expect(response.statusCode).toBe(200);
      expect(response.body.checksum).toEqual(checksum);
      expect(s3).toHaveReceivedCommandExactlyOnceWith(GetObjectAttributesCommand, { Bucket: 'uploads-bucket', Key: KEY, ObjectAttributes: ['Checksum'] });
      expect(dynamo).toHaveReceivedCommandExactlyOnceWith(UpdateCommand, {
        ExpressionAttributeValues: expect.objectContaining({ ':to': 'uploaded', ':p0': checksum }),
      });
    });

    it.each([
      ['a COMPOSITE CRC-32C', { ChecksumCRC32C: 'yZRlqg==', ChecksumType: 'COMPOSITE' }, 'ChecksumCRC32C yZRlqg==, ChecksumType COMPOSITE'],
      ['another algorithm', { ChecksumCRC64NVME: 'AAAAAAAAAAA=', ChecksumType: 'FULL_OBJECT' }, 'ChecksumCRC64NVME AAAAAAAAAAA=, ChecksumType FULL_OBJECT'],
      ['no checksum', undefined, 'none'],
    ] as const)('records no checksum, and logs why, when S3 keeps %s with the original', async (_case, kept, logged) => {
      dynamo.on(GetCommand).resolves({ Item: stored({ checksumAlgorithm: 'CRC32C' }) });
      s3.on(ListObjectsV2Command).resolves(originalListing(KEY, SIZE));
      s3.on(GetObjectAttributesCommand).resolves(kept === undefined ? {} : { Checksum: kept });
      dynamo.on(UpdateCommand).resolves({ Attributes: after('uploaded', { checksumAlgorithm: 'CRC32C' }) });

      const response = await complete({ checksumCRC32C: 'yZRlqg==' });

      expect(response.statusCode).toBe(200);
      expect(dynamo).toHaveReceivedCommandExactlyOnceWith(UpdateCommand, {
        ExpressionAttributeValues: expect.not.objectContaining({ ':p0': expect.anything() }),
      });
      expect(logger.warn).toHaveBeenCalledWith(expect.stringContaining('no FULL_OBJECT CRC-32C'), expect.objectContaining({ uploadId: ID, checksum: logged }));
    });

    it('answers a 500 and changes nothing when S3 refuses to say which checksum it keeps (the complete can be retried)', async () => {
      dynamo.on(GetCommand).resolves({ Item: stored({ checksumAlgorithm: 'CRC32C' }) });
      s3.on(ListObjectsV2Command).resolves(originalListing(KEY, SIZE));
      s3.on(GetObjectAttributesCommand).rejects(Object.assign(new Error('Access Denied'), { name: 'AccessDenied' }));

      const response = await complete({ checksumCRC32C: 'yZRlqg==' });

      expect(response.statusCode).toBe(500);
      expect(dynamo).not.toHaveReceivedCommand(UpdateCommand);
    });

    it('answers 200 with the current record when processing already moved the recovered upload on', async () => {
      s3.on(ListObjectsV2Command).resolves(originalListing(KEY, SIZE));
      dynamo.on(UpdateCommand).rejects(conditionFailed());
      dynamo.on(GetCommand).resolvesOnce({ Item: stored() }).resolves({ Item: after('ready') });

      const response = await complete();

      expect(response).toEqual({ statusCode: 200, body: publicView(after('ready')) });
    });

    it('fails the upload with UPLOAD_ABORTED and answers 422 when no original was completed from it', async () => {
      s3.on(ListObjectsV2Command).resolves(originalListing(KEY));
      dynamo.on(UpdateCommand).resolves({ Attributes: after('failed') });
      const message = `S3 no longer holds the multipart upload of ${ID} and no file was completed from it; start a new upload`;

      const response = await complete();

      expect(response).toEqual({ statusCode: 422, body: { error: { code: 'UPLOAD_ABORTED', message } } });
      expect(dynamo).toHaveReceivedCommandWith(UpdateCommand, {
        ExpressionAttributeValues: expect.objectContaining({ ':to': 'failed', ':p0': { code: 'UPLOAD_ABORTED', message } }),
      });
    });

    it('fails the upload with SIZE_MISMATCH when the completed original has another size', async () => {
      s3.on(ListObjectsV2Command).resolves(originalListing(KEY, SIZE - 1));
      dynamo.on(UpdateCommand).resolves({ Attributes: after('failed') });

      const response = await complete();

      expect(response).toEqual({
        statusCode: 422,
        body: { error: { code: 'SIZE_MISMATCH', message: `The completed file holds ${SIZE - 1} bytes but ${SIZE} bytes were declared` } },
      });
    });
  });

  describe('of a single-PUT upload (GET /s3/params: no multipart upload)', () => {
    const singlePut = () => stored({ multipartUploadId: undefined, partSize: SIZE, partCount: 1 });

    it('answers 422 PARTS_MISSING and changes nothing while the PUT has not arrived, so complete can be retried after it', async () => {
      dynamo.on(GetCommand).resolves({ Item: singlePut() });
      s3.on(ListObjectsV2Command).resolves(originalListing(KEY));

      const response = await complete();

      expect(response).toEqual({
        statusCode: 422,
        body: { error: { code: 'PARTS_MISSING', message: `S3 holds no file for upload ${ID} yet; PUT it to the URL GET /s3/params answered, then complete` } },
      });
      expectNothingWritten();
    });

    it('moves the upload to uploaded once S3 holds the file at the declared size', async () => {
      dynamo.on(GetCommand).resolves({ Item: singlePut() });
      s3.on(ListObjectsV2Command).resolves(originalListing(KEY, SIZE));
      dynamo.on(UpdateCommand).resolves({ Attributes: after('uploaded', { multipartUploadId: undefined }) });

      const response = await complete();

      expect(response.statusCode).toBe(200);
      expect(response.body.status).toBe('uploaded');
      expect(s3).not.toHaveReceivedCommand(ListPartsCommand);
    });
  });

  it('treats NoSuchUpload from CompleteMultipartUpload (a concurrent complete won) like a crash-recovery', async () => {
    dynamo.on(GetCommand).resolves({ Item: stored() });
    s3.on(ListPartsCommand).resolves({ Parts: S3_PARTS });
    s3.on(CompleteMultipartUploadCommand).rejects(noSuchUpload());
    s3.on(ListObjectsV2Command).resolves(originalListing(KEY, SIZE));
    dynamo.on(UpdateCommand).resolves({ Attributes: after('uploaded') });

    const response = await complete();

    expect(response).toEqual({ statusCode: 200, body: publicView(after('uploaded')) });
    expect(s3).toHaveReceivedCommandOnce(ListObjectsV2Command);
  });

  it.each(['uploaded', 'processing', 'ready'] as const)(
    'answers a retried complete of an %s upload with 200 and its record, sending nothing',
    async (status) => {
      dynamo.on(GetCommand).resolves({ Item: after(status) });

      const response = await complete();

      expect(response).toEqual({ statusCode: 200, body: publicView(after(status)) });
      expect(s3).not.toHaveReceivedAnyCommand();
      expect(dynamo).not.toHaveReceivedCommand(UpdateCommand);
    },
  );

  it.each(['cancelled', 'expired', 'failed'] as const)('answers complete of a %s upload with 409 INVALID_STATE naming it, sending nothing', async (status) => {
    dynamo.on(GetCommand).resolves({ Item: after(status) });

    const response = await complete();

    expect(response).toEqual({
      statusCode: 409,
      body: { error: { code: 'INVALID_STATE', message: `Upload ${ID} is ${status}; only an initiated upload can be completed` } },
    });
    expect(s3).not.toHaveReceivedAnyCommand();
    expect(dynamo).not.toHaveReceivedCommand(UpdateCommand);
  });

  it("answers another owner's upload with 404 NOT_FOUND and sends nothing to S3", async () => {
    dynamo.on(GetCommand).resolves({ Item: stored() });

    const response = await complete(undefined, { sub: 'owner-2' });

    expect(response).toEqual({ statusCode: 404, body: { error: { code: 'NOT_FOUND', message: `Upload ${ID} was not found` } } });
    expect(s3).not.toHaveReceivedAnyCommand();
    expect(dynamo).not.toHaveReceivedCommand(UpdateCommand);
  });

  it('answers a malformed id with 404 NOT_FOUND without reading the table', async () => {
    const response = await complete(undefined, { id: 'uploads/other' });

    expect(response.statusCode).toBe(404);
    expect(dynamo).not.toHaveReceivedAnyCommand();
    expect(s3).not.toHaveReceivedAnyCommand();
  });

  it.each([
    [{ parts: [{ partNumber: 0, etag: 'a' }] }, 'INVALID_PARTS'],
    [{ parts: 'all' }, 'INVALID_PARTS'],
    [{ force: true }, 'INVALID_BODY'],
    ['{"parts": [', 'INVALID_JSON'],
  ])('rejects the body %j with 400 %s without reading the table', async (body, code) => {
    const response = await complete(body);

    expect(response.statusCode).toBe(400);
    expect(response.body).toMatchObject({ error: { code } });
    expect(dynamo).not.toHaveReceivedAnyCommand();
    expect(s3).not.toHaveReceivedAnyCommand();
  });
});
