import { DeleteObjectCommand, GetObjectAttributesCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ProvisionedThroughputExceededException } from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

vi.hoisted(() => {
  process.env.UPLOADS_TABLE = 'uploads-table';
  process.env.USAGE_TABLE = 'usage-table';
  process.env.UPLOADS_BUCKET = 'uploads-bucket';
});

import { claimUpload } from '../../../../lambdas/process-upload/claimUpload.js';
import { logger } from '../../../../lambdas/shared/logger.js';
import type { UploadStatus } from '../../../../lambdas/shared/uploadRecord.js';
import { originalListing } from '../../support/originalListing.js';
import { transcodeJob } from '../../support/transcodeJob.js';
import { fakeUploadsTable, uploadRecord } from './fakeUploadsTable.js';

const dynamo = mockClient(DynamoDBDocumentClient);
const s3 = mockClient(S3Client);

/** The status pairs of the conditional updates sent, in order: `from>to`. */
function transitionsSent(): string[] {
  return dynamo.commandCalls(UpdateCommand).map(({ args }) => {
    const values = args[0].input.ExpressionAttributeValues ?? {};
    return `${values[':from0']}>${values[':to']}`;
  });
}

describe('claimUpload', () => {
  beforeEach(() => {
    dynamo.reset();
    s3.reset();
    vi.spyOn(logger, 'info').mockImplementation(() => undefined);
    vi.spyOn(logger, 'warn').mockImplementation(() => undefined);
  });
  afterEach(() => vi.restoreAllMocks());

  it('claims an uploaded upload: processing at stage probe, progress 0', async () => {
    const table = fakeUploadsTable(dynamo, [uploadRecord({ status: 'uploaded' })]);
    const claimed = await claimUpload('u1', 1);
    expect(claimed).toMatchObject({ uploadId: 'u1', status: 'processing', stage: 'probe', progress: 0 });
    expect(table.get('u1')?.status).toBe('processing');
    expect(transitionsSent()).toEqual(['uploaded>processing']);
    expect(s3.calls()).toEqual([]);
  });

  it('moves an initiated upload whose original S3 holds at the declared size to uploaded, then claims it', async () => {
    const table = fakeUploadsTable(dynamo, [uploadRecord({ status: 'initiated', pendingExpiry: 'initiated', size: 1234 })]);
    s3.on(ListObjectsV2Command).resolves(originalListing('uploads/u1/source', 1234));
    expect(await claimUpload('u1', 1)).toMatchObject({ status: 'processing' });
    expect(transitionsSent()).toEqual(['uploaded>processing', 'initiated>uploaded', 'uploaded>processing']);
    expect(s3).toHaveReceivedCommandWith(ListObjectsV2Command, { Bucket: 'uploads-bucket', Prefix: 'uploads/u1/source', MaxKeys: 1 });
    expect(table.get('u1')?.pendingExpiry).toBeUndefined();
  });

  it('records the checksum S3 verified when it moves an initiated checksum upload to uploaded: its complete lost the race', async () => {
    const table = fakeUploadsTable(dynamo, [uploadRecord({ status: 'initiated', size: 1234, checksumAlgorithm: 'CRC32C' })]);
    s3.on(ListObjectsV2Command).resolves(originalListing('uploads/u1/source', 1234));
    s3.on(GetObjectAttributesCommand).resolves({ Checksum: { ChecksumCRC32C: 'yZRlqg==', ChecksumType: 'FULL_OBJECT' } });

    expect(await claimUpload('u1', 1)).toMatchObject({ status: 'processing' });
    expect(table.get('u1')?.checksum).toEqual({ algorithm: 'CRC32C', type: 'FULL_OBJECT', value: 'yZRlqg==' });
  });

  it.each([
    ['at another size', () => s3.on(ListObjectsV2Command).resolves(originalListing('uploads/u1/source', 999))],
    ['missing', () => s3.on(ListObjectsV2Command).resolves(originalListing('uploads/u1/source'))],
  ])('leaves an initiated upload whose original is %s to complete, writing nothing', async (_case, stubListing) => {
    const table = fakeUploadsTable(dynamo, [uploadRecord({ status: 'initiated' })]);
    stubListing();
    expect(await claimUpload('u1', 1)).toBeUndefined();
    expect(transitionsSent()).toEqual(['uploaded>processing']);
    expect(table.get('u1')?.status).toBe('initiated');
  });

  it('reclaims a processing upload on a redelivery of its event (an earlier attempt did not finish)', async () => {
    fakeUploadsTable(dynamo, [uploadRecord({ status: 'processing', stage: 'transcode', progress: 40 })]);
    expect(await claimUpload('u1', 2)).toMatchObject({ status: 'processing', stage: 'probe', progress: 0 });
    expect(transitionsSent()).toEqual(['uploaded>processing', 'processing>processing']);
  });

  it('returns a processing upload with a running MediaConvert job as it is on a redelivery, without reclaiming it: the caller follows the job', async () => {
    const handedOver = uploadRecord({ status: 'processing', stage: 'transcode', progress: 40, runningJob: 'mediaconvert', transcodeJob: transcodeJob(), writeId: 'write-submit' });
    const table = fakeUploadsTable(dynamo, [handedOver]);

    expect(await claimUpload('u1', 2)).toEqual(handedOver);

    expect(transitionsSent()).toEqual(['uploaded>processing']);
    expect(table.get('u1')).toEqual(handedOver);
  });

  it('ignores a processing upload with a running job on a first delivery, like any duplicate event', async () => {
    fakeUploadsTable(dynamo, [uploadRecord({ status: 'processing', runningJob: 'mediaconvert', transcodeJob: transcodeJob() })]);
    expect(await claimUpload('u1', 1)).toBeUndefined();
  });

  it('ignores a processing upload on a first delivery: a duplicate event while another run works on it', async () => {
    const table = fakeUploadsTable(dynamo, [uploadRecord({ status: 'processing', stage: 'transcode', progress: 40 })]);
    expect(await claimUpload('u1', 1)).toBeUndefined();
    expect(transitionsSent()).toEqual(['uploaded>processing']);
    expect(table.get('u1')).toMatchObject({ stage: 'transcode', progress: 40 });
  });

  it.each<UploadStatus>(['ready', 'failed'])('does nothing for a %s upload, on any delivery', async (status) => {
    const table = fakeUploadsTable(dynamo, [uploadRecord({ status })]);
    expect(await claimUpload('u1', 1)).toBeUndefined();
    expect(await claimUpload('u1', 3)).toBeUndefined();
    expect(table.get('u1')?.status).toBe(status);
    expect(s3.calls()).toEqual([]);
  });

  // A single-PUT URL stays good after a cancel or a removal gave the upload's bytes back: the
  // object PUT then would be kept forever, outside every per-user limit, unless its event drops it.
  it.each<UploadStatus>(['cancelled', 'expired'])('deletes the original that arrived for an upload already %s, and changes nothing else', async (status) => {
    const table = fakeUploadsTable(dynamo, [uploadRecord({ status })]);
    expect(await claimUpload('u1', 1)).toBeUndefined();
    expect(s3).toHaveReceivedCommandWith(DeleteObjectCommand, { Bucket: 'uploads-bucket', Key: 'uploads/u1/source' });
    expect(table.get('u1')?.status).toBe(status);
  });

  it('deletes an original that arrived for an upload whose record was removed', async () => {
    fakeUploadsTable(dynamo, []);
    expect(await claimUpload('ghost', 1)).toBeUndefined();
    expect(s3).toHaveReceivedCommandWith(DeleteObjectCommand, { Bucket: 'uploads-bucket', Key: 'uploads/ghost/source' });
  });

  it.each<UploadStatus>(['ready', 'failed'])('deletes an original that came back after the retention job deleted the %s upload’s', async (status) => {
    fakeUploadsTable(dynamo, [uploadRecord({ status, originalRemovedAt: '2026-11-28T00:00:00.000Z' })]);
    expect(await claimUpload('u1', 1)).toBeUndefined();
    expect(s3).toHaveReceivedCommandWith(DeleteObjectCommand, { Bucket: 'uploads-bucket', Key: 'uploads/u1/source' });
  });

  it('deletes the original of an initiated upload the expiry job expired while its PUT arrived', async () => {
    const table = fakeUploadsTable(dynamo, [uploadRecord({ status: 'initiated', size: 1234 })]);
    s3.on(ListObjectsV2Command).callsFake(async () => {
      // The expiry job wins the race between the listing and the claim's write.
      table.set('u1', { ...table.get('u1')!, status: 'expired' });
      return originalListing('uploads/u1/source', 1234);
    });
    expect(await claimUpload('u1', 1)).toBeUndefined();
    expect(s3).toHaveReceivedCommandWith(DeleteObjectCommand, { Bucket: 'uploads-bucket', Key: 'uploads/u1/source' });
    expect(table.get('u1')?.status).toBe('expired');
  });

  it('rethrows a DynamoDB fault, so the event is delivered again', async () => {
    dynamo.on(UpdateCommand).rejects(new ProvisionedThroughputExceededException({ message: 'slow down', $metadata: {} }));
    await expect(claimUpload('u1', 1)).rejects.toThrow('slow down');
  });
});
