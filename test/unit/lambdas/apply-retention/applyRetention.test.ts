import { AbortMultipartUploadCommand, DeleteObjectCommand, DeleteObjectsCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient, GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

vi.hoisted(() => {
  process.env.UPLOADS_TABLE = 'uploads-table';
  process.env.USAGE_TABLE = 'usage-table';
  process.env.UPLOADS_BUCKET = 'uploads-bucket';
  process.env.MEDIA_BUCKET = 'media-bucket';
  process.env.INVALIDATION_QUEUE_URL = 'https://sqs.eu-west-1.amazonaws.com/123456789012/invalidations';
});

import { applyRetention, MAX_PER_STATUS } from '../../../../lambdas/apply-retention/applyRetention.js';
import { handler } from '../../../../lambdas/apply-retention/handler.js';
import { logger } from '../../../../lambdas/shared/logger.js';
import { DEFAULT_RETENTION_SETTINGS, type RetentionSettings } from '../../../../lambdas/shared/retentionSettings.js';
import type { UploadRecord } from '../../../../lambdas/shared/uploadRecord.js';
import type { UserUsage } from '../../../../lambdas/shared/usage/UserUsage.js';
import { lambdaContext } from '../../support/lambdaContext.js';
import { uploadRecord } from '../../support/uploadRecord.js';

const dynamo = mockClient(DynamoDBDocumentClient);
const s3 = mockClient(S3Client);
const sqs = mockClient(SQSClient);

const NOW = new Date('2025-03-20T12:00:00.000Z');
const DAY = 86_400_000;
const DELETE_READY: RetentionSettings = { ...DEFAULT_RETENTION_SETTINGS, readyOriginals: 'delete' };

function failed(id: string, overrides: Partial<UploadRecord> = {}): UploadRecord {
  return uploadRecord({
    uploadId: id,
    status: 'failed',
    multipartUploadId: undefined,
    error: { code: 'UNSUPPORTED_MEDIA', message: 'not media' },
    updatedAt: new Date(NOW.getTime() - 8 * DAY).toISOString(),
    pendingRetention: 'failed',
    ...overrides,
  });
}

function ready(id: string): UploadRecord {
  return uploadRecord({ uploadId: id, status: 'ready', multipartUploadId: undefined, updatedAt: new Date(NOW.getTime() - 60_000).toISOString(), pendingRetention: 'ready' });
}

function queried(failedItems: UploadRecord[], readyItems: UploadRecord[] = []): void {
  dynamo.on(QueryCommand, { ExpressionAttributeValues: { ':status': 'failed' } }, false).resolves({ Items: failedItems });
  dynamo.on(QueryCommand, { ExpressionAttributeValues: { ':status': 'ready' } }, false).resolves({ Items: readyItems });
}

const conditionFailed = () => new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} });

describe('applyRetention', () => {
  beforeEach(() => {
    dynamo.reset();
    s3.reset();
    sqs.reset();
    sqs.on(SendMessageCommand).resolves({ MessageId: 'invalidation-1' });
    s3.on(ListObjectsV2Command).resolves({ Contents: [] });
    s3.on(DeleteObjectCommand).resolves({});
    dynamo.on(UpdateCommand).resolves({ Attributes: {} });
    vi.spyOn(logger, 'info').mockImplementation(() => undefined);
  });

  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('asks the index for failed uploads older than the failed retention and for every ready upload waiting', async () => {
    queried([]);

    await expect(applyRetention(NOW, DEFAULT_RETENTION_SETTINGS)).resolves.toEqual({
      failedRemoved: 0,
      readyOriginalsDeleted: 0,
      readyOriginalsKept: 0,
      skipped: 0,
      errors: 0,
    });

    expect(dynamo).toHaveReceivedCommandWith(QueryCommand, {
      TableName: 'uploads-table',
      IndexName: 'byPendingRetention',
      KeyConditionExpression: '#pendingRetention = :status AND #updatedAt < :before',
      ExpressionAttributeValues: { ':status': 'failed', ':before': new Date(NOW.getTime() - 7 * DAY).toISOString() },
    });
    expect(dynamo).toHaveReceivedCommandWith(QueryCommand, { ExpressionAttributeValues: { ':status': 'ready', ':before': NOW.toISOString() } });
    expect(s3).not.toHaveReceivedAnyCommand();
    expect(dynamo).not.toHaveReceivedCommand(UpdateCommand);
  });

  it("deletes a due failed upload's original, withdraws its outputs (CDN invalidation queued first), then takes it out of the index, marking the original removed", async () => {
    const order: string[] = [];
    queried([failed('f1')]);
    s3.on(DeleteObjectCommand).callsFake(async () => void order.push('original'));
    s3.on(ListObjectsV2Command).resolves({ Contents: [{ Key: 'media/f1/poster.jpg' }] });
    s3.on(DeleteObjectsCommand).callsFake(async () => {
      order.push('outputs');
      return {};
    });
    dynamo.on(UpdateCommand).callsFake(async () => {
      order.push('record');
      return { Attributes: {} };
    });

    await expect(applyRetention(NOW, DEFAULT_RETENTION_SETTINGS)).resolves.toMatchObject({ failedRemoved: 1, errors: 0 });

    expect(s3).toHaveReceivedCommandWith(DeleteObjectCommand, { Bucket: 'uploads-bucket', Key: 'uploads/f1/source' });
    expect(s3).toHaveReceivedCommandWith(ListObjectsV2Command, { Bucket: 'media-bucket', Prefix: 'media/f1/' });
    expect(s3).toHaveReceivedCommandWith(DeleteObjectsCommand, { Bucket: 'media-bucket', Delete: { Objects: [{ Key: 'media/f1/poster.jpg' }], Quiet: true } });
    expect(sqs).toHaveReceivedCommandExactlyOnceWith(SendMessageCommand, {
      QueueUrl: 'https://sqs.eu-west-1.amazonaws.com/123456789012/invalidations',
      MessageBody: JSON.stringify({ uploadId: 'f1' }),
      DelaySeconds: 60,
    });
    expect(s3).not.toHaveReceivedCommand(AbortMultipartUploadCommand);
    const write = dynamo.commandCalls(UpdateCommand)[0]!.args[0].input;
    expect(write).toMatchObject({ Key: { uploadId: 'f1' }, ConditionExpression: '#status IN (:from0)' });
    expect(write.ExpressionAttributeValues).toMatchObject({ ':to': 'failed', ':from0': 'failed' });
    expect(Object.values(write.ExpressionAttributeNames ?? {})).toEqual(expect.arrayContaining(['pendingRetention', 'originalRemovedAt', 'usageReleased']));
    expect(write.ExpressionAttributeNames).not.toHaveProperty('#removeAt');
    expect(order).toEqual(['original', 'outputs', 'record']);
  });

  it('aborts the parts a refused complete left of a failed upload', async () => {
    queried([failed('f1', { multipartUploadId: 'mpu-f1' })]);
    s3.on(AbortMultipartUploadCommand).resolves({});

    await expect(applyRetention(NOW, DEFAULT_RETENTION_SETTINGS)).resolves.toMatchObject({ failedRemoved: 1 });
    expect(s3).toHaveReceivedCommandWith(AbortMultipartUploadCommand, { Bucket: 'uploads-bucket', Key: 'uploads/f1/source', UploadId: 'mpu-f1' });
  });

  it("releases the bytes a tracked failed upload held in its owner's usage before its record leaves the index", async () => {
    const usage: UserUsage = {
      ownerId: 'owner-1',
      activeUploads: 0,
      bytesInFlight: 0,
      bytesHeld: 500,
      hour: 0,
      uploadsThisHour: 0,
      active: {},
      released: {},
      updatedAt: '2025-03-12T12:00:00.000Z',
    };
    queried([failed('f1', { usageTracked: true, size: 200 })]);
    dynamo.on(GetCommand, { TableName: 'usage-table' }).resolves({ Item: usage });

    await expect(applyRetention(NOW, DEFAULT_RETENTION_SETTINGS)).resolves.toMatchObject({ failedRemoved: 1 });

    const [release, record] = dynamo.commandCalls(UpdateCommand).map((call) => call.args[0].input);
    expect(release).toMatchObject({ TableName: 'usage-table', Key: { ownerId: 'owner-1' } });
    expect(release?.ExpressionAttributeValues).toMatchObject({ ':minusSize': -200 });
    expect(record).toMatchObject({ TableName: 'uploads-table', Key: { uploadId: 'f1' } });
  });

  it("keeps a ready upload's original unless ready originals are deleted, and takes it out of the index either way", async () => {
    queried([], [ready('r1')]);

    await expect(applyRetention(NOW, DEFAULT_RETENTION_SETTINGS)).resolves.toMatchObject({ readyOriginalsKept: 1, readyOriginalsDeleted: 0 });
    expect(s3).not.toHaveReceivedAnyCommand();
    expect(dynamo).toHaveReceivedCommandWith(UpdateCommand, { Key: { uploadId: 'r1' }, ExpressionAttributeValues: expect.objectContaining({ ':to': 'ready', ':from0': 'ready' }) });

    dynamo.resetHistory();
    await expect(applyRetention(NOW, DELETE_READY)).resolves.toMatchObject({ readyOriginalsKept: 0, readyOriginalsDeleted: 1 });
    expect(s3).toHaveReceivedCommandExactlyOnceWith(DeleteObjectCommand, { Bucket: 'uploads-bucket', Key: 'uploads/r1/source' });
    expect(s3).not.toHaveReceivedCommand(ListObjectsV2Command);
    const write = dynamo.commandCalls(UpdateCommand)[0]!.args[0].input;
    expect(Object.values(write.ExpressionAttributeNames ?? {})).toEqual(expect.arrayContaining(['pendingRetention', 'originalRemovedAt']));
    expect(Object.values(write.ExpressionAttributeNames ?? {})).not.toContain('usageReleased');
  });

  it('skips an upload deleted since the index was read', async () => {
    queried([failed('f1')]);
    dynamo.on(UpdateCommand).rejects(conditionFailed());
    dynamo.on(GetCommand).resolves({});

    await expect(applyRetention(NOW, DEFAULT_RETENTION_SETTINGS)).resolves.toMatchObject({ failedRemoved: 0, skipped: 1, errors: 0 });
  });

  it('leaves an upload whose original S3 would not delete in the index for the next run, and goes on with the others', async () => {
    const logged = vi.spyOn(logger, 'error').mockImplementation(() => undefined);
    const denied = Object.assign(new Error('Access Denied'), { name: 'AccessDenied' });
    queried([failed('f1'), failed('f2')]);
    s3.on(DeleteObjectCommand, { Key: 'uploads/f1/source' }).rejects(denied);

    await expect(applyRetention(NOW, DEFAULT_RETENTION_SETTINGS)).resolves.toMatchObject({ failedRemoved: 1, errors: 1 });
    expect(logged).toHaveBeenCalledWith('Could not apply retention to an upload; the next run tries again', { uploadId: 'f1', error: denied });
    expect(dynamo).toHaveReceivedCommandExactlyOnceWith(UpdateCommand, { Key: { uploadId: 'f2' } });
  });

  it(`takes at most ${MAX_PER_STATUS} uploads of a status per run`, async () => {
    let page = 0;
    dynamo.on(QueryCommand).callsFake(async (input: { Limit: number; ExpressionAttributeValues: { ':status': string } }) => {
      page += 1;
      return {
        Items: Array.from({ length: input.Limit }, (_unused, index) => failed(`p${page}-${index}`)),
        LastEvaluatedKey: input.ExpressionAttributeValues[':status'] === 'failed' ? { uploadId: `p${page}` } : undefined,
      };
    });

    const counts = await applyRetention(NOW, DEFAULT_RETENTION_SETTINGS);

    expect(counts.failedRemoved).toBe(MAX_PER_STATUS);
  });
});

describe('apply-retention handler', () => {
  beforeEach(() => {
    dynamo.reset();
    s3.reset();
    vi.spyOn(logger, 'info').mockImplementation(() => undefined);
  });

  afterEach(() => {
    vi.restoreAllMocks();
  });

  it("applies the rules as of the scheduled event's time, with the default settings when none are set", async () => {
    dynamo.on(QueryCommand).resolves({ Items: [] });

    await handler({ source: 'aws.events', 'detail-type': 'Scheduled Event', time: '2025-04-01T00:00:00Z', detail: {} } as never, lambdaContext('apply-retention'));

    expect(dynamo).toHaveReceivedCommandWith(QueryCommand, {
      ExpressionAttributeValues: { ':status': 'failed', ':before': '2025-03-25T00:00:00.000Z' },
    });
  });
});
