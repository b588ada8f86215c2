import { AbortMultipartUploadCommand, GetObjectAttributesCommand, ListObjectsV2Command, NoSuchUpload, S3Client } from '@aws-sdk/client-s3';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

vi.hoisted(() => {
  process.env.UPLOADS_TABLE = 'uploads-table';
  process.env.USAGE_TABLE = 'usage-table';
  process.env.UPLOADS_BUCKET = 'uploads-bucket';
});

import { expireUploads, MAX_EXPIRIES_PER_RUN } from '../../../../lambdas/expire-uploads/expireUploads.js';
import { handler } from '../../../../lambdas/expire-uploads/handler.js';
import { logger } from '../../../../lambdas/shared/logger.js';
import type { UploadRecord } from '../../../../lambdas/shared/uploadRecord.js';
import { lambdaContext } from '../../support/lambdaContext.js';
import { originalListing } from '../../support/originalListing.js';

const dynamo = mockClient(DynamoDBDocumentClient);
const s3 = mockClient(S3Client);

const NOW = new Date('2025-03-02T12:00:00.000Z');

function due(id: string, overrides: Partial<UploadRecord> = {}): UploadRecord {
  return {
    uploadId: id,
    ownerId: 'owner-1',
    status: 'initiated',
    filename: 'a.mp4',
    contentType: 'video/mp4',
    kind: 'video',
    size: 10,
    partSize: 5_242_880,
    partCount: 1,
    sourceKey: `uploads/${id}/source`,
    multipartUploadId: `mpu-${id}`,
    createdAt: '2025-03-01T10:00:00.000Z',
    updatedAt: '2025-03-01T10:00:00.000Z',
    expiresAt: '2025-03-02T10:00:00.000Z',
    pendingExpiry: 'initiated',
    ...overrides,
  };
}

const conditionFailed = () => new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} });

describe('expireUploads', () => {
  beforeEach(() => {
    dynamo.reset();
    s3.reset();
    s3.on(ListObjectsV2Command).resolves(originalListing('uploads/u1/source'));
    s3.on(AbortMultipartUploadCommand).resolves({});
    vi.spyOn(logger, 'info').mockImplementation(() => undefined);
  });

  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('moves a due upload to expired, then aborts its multipart upload', async () => {
    const order: string[] = [];
    dynamo.on(QueryCommand).resolves({ Items: [due('u1')] });
    dynamo.on(UpdateCommand).callsFake(async () => {
      order.push('transition');
      return { Attributes: due('u1', { status: 'expired', pendingExpiry: undefined }) };
    });
    s3.on(AbortMultipartUploadCommand).callsFake(async () => {
      order.push('abort');
      return {};
    });

    await expect(expireUploads(NOW)).resolves.toEqual({ expired: 1, skipped: 0, recovered: 0, failed: 0 });

    expect(s3).toHaveReceivedCommandExactlyOnceWith(ListObjectsV2Command, {
      Bucket: 'uploads-bucket',
      Prefix: 'uploads/u1/source',
      MaxKeys: 1,
    });
    expect(dynamo).toHaveReceivedCommandExactlyOnceWith(UpdateCommand, {
      Key: { uploadId: 'u1' },
      UpdateExpression: 'SET #previousStatus = #status, #status = :to, #updatedAt = :now, #writeId = :writeId, #removeAt = :removeAt REMOVE #pendingExpiry, #unfinishedOwner, #pendingProcessing, #media ADD #seq :one',
      ConditionExpression: '#status IN (:from0)',
      ExpressionAttributeValues: {
        ':to': 'expired',
        ':now': NOW.toISOString(),
        ':writeId': expect.any(String),
        ':one': 1,
        ':from0': 'initiated',
        // The record goes 30 days after it expired (the default retention).
        ':removeAt': NOW.getTime() / 1000 + 30 * 86_400,
      },
    });
    expect(s3).toHaveReceivedCommandExactlyOnceWith(AbortMultipartUploadCommand, {
      Bucket: 'uploads-bucket',
      Key: 'uploads/u1/source',
      UploadId: 'mpu-u1',
    });
    expect(order).toEqual(['transition', 'abort']);
  });

  it('counts an upload whose multipart upload S3 already forgot as expired', async () => {
    dynamo.on(QueryCommand).resolves({ Items: [due('u1')] });
    dynamo.on(UpdateCommand).resolves({ Attributes: due('u1', { status: 'expired' }) });
    s3.on(AbortMultipartUploadCommand).rejects(new NoSuchUpload({ message: 'The specified upload does not exist', $metadata: {} }));

    await expect(expireUploads(NOW)).resolves.toEqual({ expired: 1, skipped: 0, recovered: 0, failed: 0 });
  });

  it('moves an upload whose original already exists to uploaded instead (its complete crashed after S3), aborting nothing', async () => {
    dynamo.on(QueryCommand).resolves({ Items: [due('u1')] });
    s3.on(ListObjectsV2Command).resolves(originalListing('uploads/u1/source', 10));
    dynamo.on(UpdateCommand).resolves({ Attributes: due('u1', { status: 'uploaded' }) });

    await expect(expireUploads(NOW)).resolves.toEqual({ expired: 0, skipped: 0, recovered: 1, failed: 0 });

    expect(dynamo).toHaveReceivedCommandExactlyOnceWith(UpdateCommand, {
      ExpressionAttributeValues: { ':to': 'uploaded', ':now': NOW.toISOString(), ':writeId': expect.any(String), ':one': 1, ':from0': 'initiated' },
    });
    expect(s3).not.toHaveReceivedCommand(AbortMultipartUploadCommand);
    // Not a checksum upload: nothing to read back.
    expect(s3).not.toHaveReceivedCommand(GetObjectAttributesCommand);
  });

  it('records the checksum S3 verified when the recovered upload is a checksum upload', async () => {
    dynamo.on(QueryCommand).resolves({ Items: [due('u1', { checksumAlgorithm: 'CRC32C' })] });
    s3.on(ListObjectsV2Command).resolves(originalListing('uploads/u1/source', 10));
    s3.on(GetObjectAttributesCommand).resolves({ Checksum: { ChecksumCRC32C: 'yZRlqg==', ChecksumType: 'FULL_OBJECT' } });
    dynamo.on(UpdateCommand).resolves({ Attributes: due('u1', { status: 'uploaded' }) });

    await expect(expireUploads(NOW)).resolves.toMatchObject({ recovered: 1 });

    expect(s3).toHaveReceivedCommandWith(GetObjectAttributesCommand, { Bucket: 'uploads-bucket', Key: 'uploads/u1/source', ObjectAttributes: ['Checksum'] });
    const values = dynamo.commandCalls(UpdateCommand)[0]!.args[0].input.ExpressionAttributeValues ?? {};
    expect(Object.values(values)).toContainEqual({ algorithm: 'CRC32C', type: 'FULL_OBJECT', value: 'yZRlqg==' });
  });

  it('skips an upload another writer moved on, or removed, since the index was read, and aborts nothing for it', async () => {
    dynamo.on(QueryCommand).resolves({ Items: [due('u1'), due('u2')] });
    dynamo.on(UpdateCommand).rejects(conditionFailed());
    dynamo.on(GetCommand, { Key: { uploadId: 'u1' } }).resolves({ Item: due('u1', { status: 'uploaded' }) });
    dynamo.on(GetCommand, { Key: { uploadId: 'u2' } }).resolves({});

    await expect(expireUploads(NOW)).resolves.toEqual({ expired: 0, skipped: 2, recovered: 0, failed: 0 });
    expect(s3).not.toHaveReceivedCommand(AbortMultipartUploadCommand);
  });

  it('logs an unexpected failure, counts it, and goes on with the other uploads', async () => {
    const logged = vi.spyOn(logger, 'error').mockImplementation(() => undefined);
    const denied = Object.assign(new Error('Forbidden'), { name: 'Forbidden' });
    dynamo.on(QueryCommand).resolves({ Items: [due('u1'), due('u2')] });
    s3.on(ListObjectsV2Command, { Prefix: 'uploads/u1/source' }).rejects(denied);
    dynamo.on(UpdateCommand).resolves({ Attributes: due('u2', { status: 'expired' }) });

    await expect(expireUploads(NOW)).resolves.toEqual({ expired: 1, skipped: 0, recovered: 0, failed: 1 });
    expect(logged).toHaveBeenCalledWith('Could not expire an upload; the next run tries again', { uploadId: 'u1', error: denied });
    expect(dynamo).toHaveReceivedCommandExactlyOnceWith(UpdateCommand, { Key: { uploadId: 'u2' } });
  });

  it(`handles at most ${MAX_EXPIRIES_PER_RUN} uploads per run and logs the counts`, async () => {
    let page = 0;
    dynamo.on(QueryCommand).callsFake(async (input: { Limit: number }) => {
      page += 1;
      return {
        Items: Array.from({ length: input.Limit }, (_unused, index) => due(`p${page}-${index}`)),
        LastEvaluatedKey: { uploadId: `p${page}` },
      };
    });
    dynamo.on(UpdateCommand).resolves({ Attributes: {} });

    const counts = await expireUploads(NOW);

    expect(counts).toEqual({ expired: MAX_EXPIRIES_PER_RUN, skipped: 0, recovered: 0, failed: 0 });
    expect(dynamo).toHaveReceivedCommandTimes(UpdateCommand, MAX_EXPIRIES_PER_RUN);
    expect(logger.info).toHaveBeenCalledWith('Expiry run finished', { due: MAX_EXPIRIES_PER_RUN, ...counts });
  });

  it('does nothing when no upload is due', async () => {
    dynamo.on(QueryCommand).resolves({ Items: [] });

    await expect(expireUploads(NOW)).resolves.toEqual({ expired: 0, skipped: 0, recovered: 0, failed: 0 });
    expect(s3).not.toHaveReceivedAnyCommand();
    expect(dynamo).not.toHaveReceivedCommand(UpdateCommand);
  });
});

describe('expire-uploads handler', () => {
  beforeEach(() => {
    dynamo.reset();
    s3.reset();
    vi.spyOn(logger, 'info').mockImplementation(() => undefined);
  });

  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('runs the job for the current time on a scheduled event and returns the counts', async () => {
    vi.useFakeTimers({ now: NOW, toFake: ['Date'] });
    dynamo.on(QueryCommand).resolves({ Items: [] });

    const result = await handler({ source: 'aws.events', 'detail-type': 'Scheduled Event', detail: {} }, lambdaContext('expire-uploads'));

    vi.useRealTimers();
    expect(result).toEqual({ expired: 0, skipped: 0, recovered: 0, failed: 0 });
    expect(dynamo).toHaveReceivedCommandWith(QueryCommand, {
      ExpressionAttributeValues: { ':pending': 'initiated', ':now': NOW.toISOString() },
    });
  });
});
