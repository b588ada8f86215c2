import {
  AbortMultipartUploadCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  ListObjectsV2Command,
  NoSuchUpload,
  S3Client,
} from '@aws-sdk/client-s3';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { CancelJobCommand, ConflictException, MediaConvertClient } from '@aws-sdk/client-mediaconvert';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

vi.hoisted(() => {
  process.env.UPLOADS_TABLE = 'uploads-table';
  process.env.USAGE_TABLE = 'usage-table';
  process.env.UPLOADS_BUCKET = 'uploads-bucket';
  process.env.MEDIA_BUCKET = 'media-bucket';
  process.env.INVALIDATION_QUEUE_URL = 'https://sqs.eu-west-1.amazonaws.com/123456789012/invalidations';
  process.env.MEDIACONVERT_SETTINGS = JSON.stringify({
    queueArn: 'arn:aws:mediaconvert:us-east-1:123456789012:queues/media-pipeline',
    roleArn: 'arn:aws:iam::123456789012:role/mc',
    stackName: 'media-pipeline-test',
    accelerated: false,
  });
});

import { handler } from '../../../../lambdas/delete-upload/handler.js';
import { logger } from '../../../../lambdas/shared/logger.js';
import type { UploadRecord, UploadStatus } from '../../../../lambdas/shared/uploadRecord.js';
import { apiEvent } from '../../support/apiEvent.js';
import { lambdaContext } from '../../support/lambdaContext.js';
import { JOB_ID, transcodeJob } from '../../support/transcodeJob.js';
import { uploadRecord } from '../../support/uploadRecord.js';

const dynamo = mockClient(DynamoDBDocumentClient);
const s3 = mockClient(S3Client);
const mediaConvert = mockClient(MediaConvertClient);
const sqs = mockClient(SQSClient);

const ID = '0b8f6a52-3c1e-4d2a-9f7b-5e6d7c8b9a01';
const OWNER = 'owner-1';
const KEY = `uploads/${ID}/source`;

function stored(status: UploadStatus, overrides: Partial<UploadRecord> = {}): UploadRecord {
  return uploadRecord({
    uploadId: ID,
    ownerId: OWNER,
    status,
    filename: 'song.mp3',
    contentType: 'audio/mpeg',
    kind: 'audio',
    size: 3_000_000,
    partCount: 1,
    ...overrides,
  });
}

function publicView(record: UploadRecord): Record<string, unknown> {
  const { ownerId: _o, sourceKey: _k, multipartUploadId: _m, pendingExpiry: _p, ...rest } = record;
  return rest;
}

const conditionFailed = () => new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} });
const outputs = [{ Key: `media/${ID}/hls/master.m3u8` }, { Key: `media/${ID}/hls/a/segment-0.ts` }];
const INVALIDATION_REQUEST = {
  QueueUrl: 'https://sqs.eu-west-1.amazonaws.com/123456789012/invalidations',
  MessageBody: JSON.stringify({ uploadId: ID }),
};

async function remove(options: { id?: string; sub?: string } = {}) {
  const response = (await handler(
    apiEvent({ method: 'DELETE', route: '/uploads/{id}', pathParameters: { id: options.id ?? ID }, sub: options.sub ?? OWNER }),
    lambdaContext(),
  )) as { statusCode: number; body: string };
  return { statusCode: response.statusCode, body: response.body === '' ? undefined : (JSON.parse(response.body) as unknown) };
}

function expectRemoval(): void {
  expect(s3).toHaveReceivedCommandExactlyOnceWith(DeleteObjectCommand, { Bucket: 'uploads-bucket', Key: KEY });
  expect(s3).toHaveReceivedCommandWith(ListObjectsV2Command, { Bucket: 'media-bucket', Prefix: `media/${ID}/` });
  expect(s3).toHaveReceivedCommandExactlyOnceWith(DeleteObjectsCommand, { Bucket: 'media-bucket', Delete: { Objects: outputs, Quiet: true } });
  expect(dynamo).toHaveReceivedCommandExactlyOnceWith(DeleteCommand, {
    TableName: 'uploads-table',
    Key: { uploadId: ID },
    ConditionExpression: '#ownerId = :ownerId',
    ExpressionAttributeNames: { '#ownerId': 'ownerId' },
    ExpressionAttributeValues: { ':ownerId': OWNER },
  });
}

describe('deleteUpload', () => {
  beforeEach(() => {
    dynamo.reset();
    s3.reset();
    mediaConvert.reset();
    sqs.reset();
    mediaConvert.on(CancelJobCommand).resolves({});
    sqs.on(SendMessageCommand).resolves({ MessageId: 'm1' });
    s3.on(AbortMultipartUploadCommand).resolves({});
    s3.on(DeleteObjectCommand).resolves({});
    s3.on(ListObjectsV2Command).resolves({ Contents: outputs, IsTruncated: false });
    s3.on(DeleteObjectsCommand).resolves({});
    dynamo.on(DeleteCommand).resolves({});
    vi.spyOn(logger, 'info').mockImplementation(() => undefined);
    vi.spyOn(logger, 'error').mockImplementation(() => undefined);
  });

  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('cancels an initiated upload: the cancelled state first, then the abort and the original, and answers 200 with the record', async () => {
    const order: string[] = [];
    dynamo.on(GetCommand).resolves({ Item: stored('initiated') });
    dynamo.on(UpdateCommand).callsFake(async () => {
      order.push('transition');
      return { Attributes: stored('cancelled') };
    });
    s3.on(AbortMultipartUploadCommand).callsFake(async () => {
      order.push('abort');
      return {};
    });
    s3.on(DeleteObjectCommand).callsFake(async () => {
      order.push('delete original');
      return {};
    });

    const response = await remove();

    expect(response).toEqual({ statusCode: 200, body: publicView(stored('cancelled')) });
    expect(order).toEqual(['transition', 'abort', 'delete original']);
    expect(dynamo).toHaveReceivedCommandExactlyOnceWith(UpdateCommand, {
      Key: { uploadId: ID },
      ConditionExpression: '#status IN (:from0, :from1, :from2) AND #ownerId = :ownerId',
      ExpressionAttributeValues: expect.objectContaining({
        ':to': 'cancelled',
        ':from0': 'initiated',
        ':from1': 'uploaded',
        ':from2': 'processing',
        ':ownerId': OWNER,
      }),
    });
    expect(s3).toHaveReceivedCommandExactlyOnceWith(AbortMultipartUploadCommand, { Bucket: 'uploads-bucket', Key: KEY, UploadId: 'mpu-1' });
    expect(s3).toHaveReceivedCommandExactlyOnceWith(DeleteObjectCommand, { Bucket: 'uploads-bucket', Key: KEY });
    expect(s3).not.toHaveReceivedCommand(ListObjectsV2Command);
    expect(dynamo).not.toHaveReceivedCommand(DeleteCommand);
    expect(sqs).not.toHaveReceivedAnyCommand();
  });

  it('cancels a processing upload and removes what its run published, since a run that died cannot', async () => {
    dynamo.on(GetCommand).resolves({ Item: stored('processing') });
    dynamo.on(UpdateCommand).resolves({ Attributes: stored('cancelled') });

    const response = await remove();

    expect(response.statusCode).toBe(200);
    expect(s3).not.toHaveReceivedCommand(AbortMultipartUploadCommand);
    expect(s3).toHaveReceivedCommandWith(ListObjectsV2Command, { Bucket: 'media-bucket', Prefix: `media/${ID}/` });
    expect(s3).toHaveReceivedCommandExactlyOnceWith(DeleteObjectsCommand, { Bucket: 'media-bucket', Delete: { Objects: outputs, Quiet: true } });
    expect(dynamo).not.toHaveReceivedCommand(DeleteCommand);
  });

  it("queues the invalidation of a cancelled processing upload's outputs in the CDN (its poster had a URL), held back, before it deletes them", async () => {
    const order: string[] = [];
    dynamo.on(GetCommand).resolves({ Item: stored('processing', { kind: 'video', media: { kind: 'video', posterUrl: 'https://cdn/p.jpg' } }) });
    dynamo.on(UpdateCommand).resolves({ Attributes: stored('cancelled') });
    s3.on(DeleteObjectsCommand).callsFake(async () => {
      order.push('delete outputs');
      return {};
    });
    sqs.on(SendMessageCommand).callsFake(async () => {
      order.push('request invalidation');
      return { MessageId: 'm1' };
    });

    expect((await remove()).statusCode).toBe(200);
    expect(sqs).toHaveReceivedCommandExactlyOnceWith(SendMessageCommand, { ...INVALIDATION_REQUEST, DelaySeconds: 60 });
    expect(order).toEqual(['request invalidation', 'delete outputs']);
  });

  it('answers a plain 500, deleting no output, when the invalidation request cannot be queued for a cancel; the retried DELETE removes the cancelled upload and requests it again', async () => {
    dynamo.on(GetCommand).resolves({ Item: stored('processing') });
    dynamo.on(UpdateCommand).resolves({ Attributes: stored('cancelled') });
    sqs.on(SendMessageCommand).rejectsOnce(new Error('Service unavailable'));

    expect((await remove()).statusCode).toBe(500);
    expect(s3).not.toHaveReceivedCommand(DeleteObjectsCommand);

    dynamo.on(GetCommand).resolves({ Item: stored('cancelled') });
    expect((await remove()).statusCode).toBe(204);
    expect(sqs).toHaveReceivedCommandTimes(SendMessageCommand, 2);
    expect(sqs).toHaveReceivedNthCommandWith(SendMessageCommand, 2, INVALIDATION_REQUEST);
  });

  it("cancels a processing upload's MediaConvert job after the cancelled state, then removes what was published", async () => {
    const order: string[] = [];
    const withJob = { kind: 'video' as const, transcoder: 'mediaconvert' as const, transcodeJob: transcodeJob() };
    dynamo.on(GetCommand).resolves({ Item: stored('processing', { ...withJob, runningJob: 'mediaconvert' }) });
    dynamo.on(UpdateCommand).callsFake(async () => {
      order.push('transition');
      return { Attributes: stored('cancelled', withJob) };
    });
    mediaConvert.on(CancelJobCommand).callsFake(async () => {
      order.push('cancel job');
      return {};
    });
    s3.on(ListObjectsV2Command).callsFake(async () => {
      order.push('list outputs');
      return { Contents: outputs };
    });

    const response = await remove();

    expect(response.statusCode).toBe(200);
    expect(mediaConvert).toHaveReceivedCommandExactlyOnceWith(CancelJobCommand, { Id: JOB_ID });
    // Once to see whether there is anything to withdraw, once to delete it.
    expect(order).toEqual(['transition', 'cancel job', 'list outputs', 'list outputs']);
    expect(s3).toHaveReceivedCommandExactlyOnceWith(DeleteObjectsCommand, { Bucket: 'media-bucket', Delete: { Objects: outputs, Quiet: true } });
  });

  it('still cancels the upload when MediaConvert refuses to cancel its job (it ended, or cannot be stopped): its final event removes what it writes', async () => {
    const warn = vi.spyOn(logger, 'warn').mockImplementation(() => undefined);
    const withJob = { kind: 'video' as const, transcodeJob: transcodeJob() };
    dynamo.on(GetCommand).resolves({ Item: stored('processing', withJob) });
    dynamo.on(UpdateCommand).resolves({ Attributes: stored('cancelled', withJob) });
    mediaConvert.on(CancelJobCommand).rejects(new ConflictException({ message: 'The job is already complete', $metadata: { httpStatusCode: 409 } }));

    const response = await remove();

    expect(response).toMatchObject({ statusCode: 200, body: { status: 'cancelled' } });
    expect(response.body).not.toHaveProperty('transcodeJob');
    expect(warn).toHaveBeenCalledWith('Could not cancel the transcode job; what it writes is removed when it ends', expect.objectContaining({ jobId: JOB_ID }));
    expect(s3).toHaveReceivedCommandOnce(DeleteObjectsCommand);
  });

  it('sends no CancelJob for a processing upload on the ffmpeg path', async () => {
    dynamo.on(GetCommand).resolves({ Item: stored('processing') });
    dynamo.on(UpdateCommand).resolves({ Attributes: stored('cancelled') });

    expect((await remove()).statusCode).toBe(200);
    expect(mediaConvert).not.toHaveReceivedAnyCommand();
  });

  it('cancels an initiated upload whose multipart upload S3 already forgot', async () => {
    dynamo.on(GetCommand).resolves({ Item: stored('initiated') });
    dynamo.on(UpdateCommand).resolves({ Attributes: stored('cancelled') });
    s3.on(AbortMultipartUploadCommand).rejects(new NoSuchUpload({ message: 'The specified upload does not exist', $metadata: {} }));

    const response = await remove();

    expect(response.statusCode).toBe(200);
    expect(s3).toHaveReceivedCommandOnce(DeleteObjectCommand);
  });

  it.each(['uploaded', 'processing'] as const)(
    'cancels an %s upload and deletes its original, with nothing to abort, and answers 200',
    async (status) => {
      dynamo.on(GetCommand).resolves({ Item: stored(status) });
      dynamo.on(UpdateCommand).resolves({ Attributes: stored('cancelled') });

      const response = await remove();

      expect(response).toEqual({ statusCode: 200, body: publicView(stored('cancelled')) });
      expect(dynamo).toHaveReceivedCommandOnce(UpdateCommand);
      expect(s3).toHaveReceivedCommandExactlyOnceWith(DeleteObjectCommand, { Bucket: 'uploads-bucket', Key: KEY });
      expect(s3).not.toHaveReceivedCommand(AbortMultipartUploadCommand);
      expect(dynamo).not.toHaveReceivedCommand(DeleteCommand);
      expect(sqs).toHaveReceivedCommandTimes(SendMessageCommand, status === 'processing' ? 1 : 0);
    },
  );

  it('removes a ready upload with its original and outputs, then the record, and answers 204', async () => {
    dynamo.on(GetCommand).resolves({ Item: stored('ready') });

    const response = await remove();

    expect(response).toEqual({ statusCode: 204, body: undefined });
    expectRemoval();
    expect(s3).not.toHaveReceivedCommand(AbortMultipartUploadCommand);
    expect(dynamo).not.toHaveReceivedCommand(UpdateCommand);
  });

  it('invalidates a removed ready upload in the CDN: the request is queued after its outputs are deleted and before its record goes', async () => {
    const order: string[] = [];
    dynamo.on(GetCommand).resolves({ Item: stored('ready') });
    s3.on(DeleteObjectsCommand).callsFake(async () => {
      order.push('delete outputs');
      return {};
    });
    sqs.on(SendMessageCommand).callsFake(async () => {
      order.push('request invalidation');
      return { MessageId: 'm1' };
    });
    dynamo.on(DeleteCommand).callsFake(async () => {
      order.push('delete record');
      return {};
    });

    expect((await remove()).statusCode).toBe(204);
    expect(sqs).toHaveReceivedCommandExactlyOnceWith(SendMessageCommand, INVALIDATION_REQUEST);
    expect(order).toEqual(['delete outputs', 'request invalidation', 'delete record']);
  });

  it('keeps the record (and the usage) when the invalidation request cannot be queued, and answers a plain 500 so the DELETE is retried', async () => {
    dynamo.on(GetCommand, { TableName: 'uploads-table' }).resolves({ Item: stored('ready', { usageTracked: true }) });
    dynamo.on(GetCommand, { TableName: 'usage-table' }).resolves({
      Item: { ownerId: OWNER, activeUploads: 0, bytesInFlight: 0, bytesHeld: 3_000_000, active: {}, released: {} },
    });
    dynamo.on(UpdateCommand, { TableName: 'usage-table' }).resolves({});
    sqs.on(SendMessageCommand).rejects(new Error('Service unavailable'));

    const response = await remove();

    expect(response).toEqual({
      statusCode: 500,
      body: { error: { code: 'INTERNAL_ERROR', message: 'Something went wrong on our side; try again later' } },
    });
    expect(dynamo).not.toHaveReceivedCommand(DeleteCommand);
    expect(dynamo).not.toHaveReceivedCommand(UpdateCommand);
  });

  it('releases the bytes a tracked ready upload held in its owner usage after its objects, before the record goes', async () => {
    const order: string[] = [];
    dynamo.on(GetCommand, { TableName: 'uploads-table' }).resolves({ Item: stored('ready', { usageTracked: true }) });
    dynamo.on(GetCommand, { TableName: 'usage-table' }).resolves({
      Item: { ownerId: OWNER, activeUploads: 0, bytesInFlight: 0, bytesHeld: 3_000_000, active: {}, released: {} },
    });
    dynamo.on(UpdateCommand, { TableName: 'usage-table' }).callsFake(async () => {
      order.push('release');
      return {};
    });
    s3.on(DeleteObjectsCommand).callsFake(async () => {
      order.push('delete outputs');
      return {};
    });
    dynamo.on(DeleteCommand).callsFake(async () => {
      order.push('delete record');
      return {};
    });

    expect((await remove()).statusCode).toBe(204);

    expect(order).toEqual(['delete outputs', 'release', 'delete record']);
    expect(dynamo).toHaveReceivedCommandWith(UpdateCommand, {
      TableName: 'usage-table',
      Key: { ownerId: OWNER },
      UpdateExpression: 'SET #released.#upload = :at, #updatedAt = :now ADD #bytesHeld :minusSize',
      ExpressionAttributeValues: expect.objectContaining({ ':minusSize': -3_000_000 }),
    });
  });

  it('keeps the record when the usage release fails, so a retried DELETE releases and removes it', async () => {
    dynamo.on(GetCommand, { TableName: 'uploads-table' }).resolves({ Item: stored('ready', { usageTracked: true }) });
    dynamo.on(GetCommand, { TableName: 'usage-table' }).rejects(new Error('Throughput exceeded'));

    expect((await remove()).statusCode).toBe(500);
    expect(dynamo).not.toHaveReceivedCommand(DeleteCommand);
  });

  it.each(['failed', 'cancelled', 'expired'] as const)(
    'removes a %s upload, aborting its multipart upload in case an earlier run crashed before doing so',
    async (status) => {
      dynamo.on(GetCommand).resolves({ Item: stored(status) });
      s3.on(AbortMultipartUploadCommand).rejects(new NoSuchUpload({ message: 'The specified upload does not exist', $metadata: {} }));

      const response = await remove();

      expect(response.statusCode).toBe(204);
      expect(s3).toHaveReceivedCommandExactlyOnceWith(AbortMultipartUploadCommand, { Bucket: 'uploads-bucket', Key: KEY, UploadId: 'mpu-1' });
      expectRemoval();
    },
  );

  it.each([
    ['failed', 1],
    ['cancelled', 1],
    ['expired', 0],
  ] as const)('removing a %s upload queues %i invalidation (one that was processing may have had its poster served; an expired one never had outputs)', async (status, requests) => {
    dynamo.on(GetCommand).resolves({ Item: stored(status) });

    expect((await remove()).statusCode).toBe(204);
    expect(sqs).toHaveReceivedCommandTimes(SendMessageCommand, requests);
    if (requests > 0) expect(sqs).toHaveReceivedCommandWith(SendMessageCommand, INVALIDATION_REQUEST);
  });

  it('deletes outputs in batches of one listing page each', async () => {
    const page = Array.from({ length: 1000 }, (_unused, index) => ({ Key: `media/${ID}/hls/a/segment-${index}.ts` }));
    dynamo.on(GetCommand).resolves({ Item: stored('ready') });
    s3.on(ListObjectsV2Command, { ContinuationToken: undefined }).resolves({ Contents: page, IsTruncated: true, NextContinuationToken: 't2' });
    s3.on(ListObjectsV2Command, { ContinuationToken: 't2' }).resolves({ Contents: outputs, IsTruncated: false });

    const response = await remove();

    expect(response.statusCode).toBe(204);
    expect(s3).toHaveReceivedCommandTimes(DeleteObjectsCommand, 2);
    expect(s3).toHaveReceivedNthCommandWith(DeleteObjectsCommand, 1, { Delete: { Objects: page, Quiet: true } });
    expect(s3).toHaveReceivedNthCommandWith(DeleteObjectsCommand, 2, { Delete: { Objects: outputs, Quiet: true } });
  });

  it('keeps the record when S3 refuses to delete an output, so a retried DELETE can finish, and answers a plain 500', async () => {
    dynamo.on(GetCommand).resolves({ Item: stored('ready') });
    s3.on(DeleteObjectsCommand).resolves({ Errors: [{ Key: outputs[0]!.Key, Code: 'InternalError' }] });

    const response = await remove();

    expect(response).toEqual({
      statusCode: 500,
      body: { error: { code: 'INTERNAL_ERROR', message: 'Something went wrong on our side; try again later' } },
    });
    expect(dynamo).not.toHaveReceivedCommand(DeleteCommand);
  });

  it('finishes the job when retried after a cancel that crashed before its abort: the cancelled upload is removed, 204', async () => {
    dynamo.on(GetCommand).resolves({ Item: stored('cancelled') });

    const response = await remove();

    expect(response.statusCode).toBe(204);
    expect(s3).toHaveReceivedCommandOnce(AbortMultipartUploadCommand);
    expectRemoval();
  });

  it('answers 204 when a concurrent DELETE removed the record first', async () => {
    dynamo.on(GetCommand).resolves({ Item: stored('ready') });
    dynamo.on(DeleteCommand).rejects(conditionFailed());

    const response = await remove();

    expect(response.statusCode).toBe(204);
  });

  it('removes the upload instead when it finished between the read and the cancel', async () => {
    dynamo
      .on(GetCommand)
      .resolvesOnce({ Item: stored('processing') })
      .resolves({ Item: stored('ready') });
    dynamo.on(UpdateCommand).rejects(conditionFailed());

    const response = await remove();

    expect(response.statusCode).toBe(204);
    expectRemoval();
  });

  it('answers 404 when the upload was removed between the read and the cancel', async () => {
    dynamo
      .on(GetCommand)
      .resolvesOnce({ Item: stored('initiated') })
      .resolves({});
    dynamo.on(UpdateCommand).rejects(conditionFailed());

    const response = await remove();

    expect(response).toEqual({ statusCode: 404, body: { error: { code: 'NOT_FOUND', message: `Upload ${ID} was not found` } } });
    expect(s3).not.toHaveReceivedAnyCommand();
  });

  it("answers another owner's upload with 404 NOT_FOUND and touches nothing", async () => {
    dynamo.on(GetCommand).resolves({ Item: stored('ready') });

    const response = await remove({ sub: 'owner-2' });

    expect(response).toEqual({ statusCode: 404, body: { error: { code: 'NOT_FOUND', message: `Upload ${ID} was not found` } } });
    expect(s3).not.toHaveReceivedAnyCommand();
    expect(dynamo).not.toHaveReceivedCommand(UpdateCommand);
    expect(dynamo).not.toHaveReceivedCommand(DeleteCommand);
  });

  it('answers a malformed id with 404 NOT_FOUND without reading the table', async () => {
    const response = await remove({ id: '*' });

    expect(response.statusCode).toBe(404);
    expect(dynamo).not.toHaveReceivedAnyCommand();
    expect(s3).not.toHaveReceivedAnyCommand();
  });
});
