import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteObjectsCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { GetQueueAttributesCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient, GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

vi.hoisted(() => {
  process.env.UPLOADS_TABLE = 'uploads-table';
  process.env.USAGE_TABLE = 'usage-table';
  process.env.UPLOADS_BUCKET = 'uploads-bucket';
  process.env.MEDIA_BUCKET = 'media-bucket';
  process.env.INVALIDATION_QUEUE_URL = 'https://sqs.eu-west-1.amazonaws.com/123456789012/invalidations';
  process.env.PROCESS_QUEUE_URL = 'https://sqs.eu-west-1.amazonaws.com/123456789012/process';
});

import { logger } from '../../../../lambdas/shared/logger.js';
import type { SweepSettings } from '../../../../lambdas/shared/sweepSettings.js';
import type { UploadRecord } from '../../../../lambdas/shared/uploadRecord.js';
import { REQUEUE_CONFIGURATION_ID } from '../../../../lambdas/sweep-uploads/objectCreatedEvent.js';
import { MAX_STALLED_PER_STATUS, sweepStalledUploads } from '../../../../lambdas/sweep-uploads/sweepStalledUploads.js';
import { transcodeJob } from '../../support/transcodeJob.js';
import { uploadRecord } from '../../support/uploadRecord.js';

const dynamo = mockClient(DynamoDBDocumentClient);
const sqs = mockClient(SQSClient);
const s3 = mockClient(S3Client);

const NOW = new Date('2025-03-02T12:00:00.000Z');
const SETTINGS: SweepSettings = {
  intervalSeconds: 900,
  uploadedStallSeconds: 900,
  processingStallSeconds: 90 * 60 + 900,
  queueRetentionSeconds: 4 * 86_400,
  maxRequeues: 3,
  outputScanCycleSeconds: 86_400,
};

const U1 = '11111111-1111-4111-8111-111111111111';
const U2 = '22222222-2222-4222-8222-222222222222';

function waiting(overrides: Partial<UploadRecord> = {}): UploadRecord {
  return uploadRecord({
    uploadId: U1,
    status: 'uploaded',
    pendingProcessing: 'uploaded',
    multipartUploadId: undefined,
    size: 4321,
    updatedAt: '2025-03-02T11:00:00.000Z',
    writeId: 'write-seen',
    ...overrides,
  });
}

function running(overrides: Partial<UploadRecord> = {}): UploadRecord {
  return waiting({ uploadId: U2, status: 'processing', pendingProcessing: 'processing', stage: 'publish', progress: 80, updatedAt: '2025-03-02T09:00:00.000Z', ...overrides });
}

/** The index answers with `uploaded` and `processing` records, each from its own partition. */
function indexHolds(uploaded: UploadRecord[], processing: UploadRecord[]): void {
  dynamo.on(QueryCommand, { ExpressionAttributeValues: { ':status': 'uploaded' } }, false).resolves({ Items: uploaded });
  dynamo.on(QueryCommand, { ExpressionAttributeValues: { ':status': 'processing' } }, false).resolves({ Items: processing });
}

const conditionFailed = () => new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} });

describe('sweepStalledUploads', () => {
  beforeEach(() => {
    dynamo.reset();
    sqs.reset();
    s3.reset();
    vi.spyOn(logger, 'info').mockImplementation(() => undefined);
    vi.spyOn(logger, 'warn').mockImplementation(() => undefined);
    sqs.on(GetQueueAttributesCommand).resolves({ Attributes: { ApproximateNumberOfMessages: '0' } });
    sqs.on(SendMessageCommand).resolves({ MessageId: 'm-1' });
    dynamo.on(UpdateCommand).callsFake(async (input: { Key: { uploadId: string }; ExpressionAttributeValues: Record<string, unknown> }) => ({
      Attributes: { uploadId: input.Key.uploadId, status: input.ExpressionAttributeValues[':to'] },
    }));
    s3.on(ListObjectsV2Command).resolves({ Contents: [] });
  });

  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('asks the index for uploaded uploads quiet for the stall margin and processing ones quiet for the visibility timeout plus it', async () => {
    indexHolds([], []);

    await expect(sweepStalledUploads(NOW, SETTINGS)).resolves.toEqual({ requeued: 0, failed: 0, skipped: 0, errors: 0 });

    expect(sqs).toHaveReceivedCommandWith(GetQueueAttributesCommand, {
      QueueUrl: 'https://sqs.eu-west-1.amazonaws.com/123456789012/process',
      AttributeNames: ['ApproximateNumberOfMessages'],
    });
    expect(dynamo).toHaveReceivedCommandWith(QueryCommand, {
      IndexName: 'byPendingProcessing',
      ExpressionAttributeValues: { ':status': 'uploaded', ':before': '2025-03-02T11:45:00.000Z' },
    });
    expect(dynamo).toHaveReceivedCommandWith(QueryCommand, {
      ExpressionAttributeValues: { ':status': 'processing', ':before': '2025-03-02T10:15:00.000Z' },
    });
  });

  it('counts a re-send on the record first, guarded by the write it read, then sends the process queue the upload\'s event in S3\'s shape', async () => {
    const order: string[] = [];
    indexHolds([waiting({ requeueCount: 1 })], []);
    dynamo.on(UpdateCommand).callsFake(async () => {
      order.push('count');
      return { Attributes: waiting({ requeueCount: 2 }) };
    });
    sqs.on(SendMessageCommand).callsFake(async () => {
      order.push('send');
      return { MessageId: 'm-1' };
    });

    await expect(sweepStalledUploads(NOW, SETTINGS)).resolves.toEqual({ requeued: 1, failed: 0, skipped: 0, errors: 0 });

    expect(order).toEqual(['count', 'send']);
    expect(dynamo).toHaveReceivedCommandExactlyOnceWith(UpdateCommand, {
      Key: { uploadId: U1 },
      ConditionExpression: '#status IN (:from0) AND #writeId = :ifWriteId',
      ExpressionAttributeNames: expect.objectContaining({ '#p0': 'requeueCount' }),
      ExpressionAttributeValues: expect.objectContaining({ ':to': 'uploaded', ':from0': 'uploaded', ':p0': 2, ':ifWriteId': 'write-seen' }),
    });
    const sent = sqs.commandCalls(SendMessageCommand)[0]?.args[0].input;
    expect(sent?.QueueUrl).toBe('https://sqs.eu-west-1.amazonaws.com/123456789012/process');
    expect(JSON.parse(sent?.MessageBody ?? '')).toMatchObject({
      Records: [
        {
          eventSource: 'aws:s3',
          awsRegion: 'eu-west-1',
          eventName: 'ObjectCreated:CompleteMultipartUpload',
          s3: { configurationId: REQUEUE_CONFIGURATION_ID, bucket: { name: 'uploads-bucket' }, object: { key: `uploads/${U1}/source`, size: 4321 } },
        },
      ],
    });
  });

  it('fails an uploaded upload as PROCESSING_STALLED once it was re-sent maxRequeues times, sending nothing', async () => {
    indexHolds([waiting({ requeueCount: 3 })], []);

    await expect(sweepStalledUploads(NOW, SETTINGS)).resolves.toEqual({ requeued: 0, failed: 1, skipped: 0, errors: 0 });

    expect(dynamo).toHaveReceivedCommandWith(UpdateCommand, {
      ConditionExpression: '#status IN (:from0) AND #writeId = :ifWriteId',
      ExpressionAttributeValues: expect.objectContaining({
        ':to': 'failed',
        ':from0': 'uploaded',
        ':p0': {
          code: 'PROCESSING_STALLED',
          message: 'Processing did not start although the upload was queued for it 4 times; upload the file again later',
        },
      }),
    });
    expect(sqs).not.toHaveReceivedCommand(SendMessageCommand);
  });

  it('while events wait in the queue, re-sends only events older than its retention', async () => {
    sqs.on(GetQueueAttributesCommand).resolves({ Attributes: { ApproximateNumberOfMessages: '37' } });
    indexHolds([], []);

    await sweepStalledUploads(NOW, SETTINGS);

    expect(dynamo).toHaveReceivedCommandWith(QueryCommand, {
      ExpressionAttributeValues: { ':status': 'uploaded', ':before': '2025-02-26T12:00:00.000Z' },
    });
    expect(dynamo).toHaveReceivedCommandWith(QueryCommand, {
      ExpressionAttributeValues: { ':status': 'processing', ':before': '2025-03-02T10:15:00.000Z' },
    });
  });

  it('fails a processing upload whose run stopped as PROCESSING_STALLED, guarded by the write it read, then withdraws what it published (invalidation queued first, then deleted)', async () => {
    const order: string[] = [];
    indexHolds([], [running()]);
    sqs.on(SendMessageCommand).callsFake(async () => {
      order.push('invalidate');
      return { MessageId: 'm-1' };
    });
    dynamo.on(UpdateCommand).callsFake(async () => {
      order.push('fail');
      return { Attributes: running({ status: 'failed' }) };
    });
    s3.on(ListObjectsV2Command).resolves({ Contents: [{ Key: `media/${U2}/master.m3u8` }, { Key: `media/${U2}/720p/segment-0.ts` }] });
    s3.on(DeleteObjectsCommand).callsFake(async () => {
      order.push('delete');
      return {};
    });

    await expect(sweepStalledUploads(NOW, SETTINGS)).resolves.toEqual({ requeued: 0, failed: 1, skipped: 0, errors: 0 });

    expect(order).toEqual(['fail', 'invalidate', 'delete']);
    expect(dynamo).toHaveReceivedCommandExactlyOnceWith(UpdateCommand, {
      Key: { uploadId: U2 },
      ConditionExpression: '#status IN (:from0) AND #writeId = :ifWriteId',
      ExpressionAttributeNames: expect.objectContaining({ '#p0': 'error', '#p1': 'progress', '#p2': 'stage' }),
      ExpressionAttributeValues: expect.objectContaining({
        ':to': 'failed',
        ':from0': 'processing',
        ':ifWriteId': 'write-seen',
        ':p0': {
          code: 'PROCESSING_STALLED',
          message: 'Processing stopped without finishing: nothing happened for 180 minutes and no retry is coming; upload the file again',
        },
      }),
    });
    expect(s3).toHaveReceivedCommandWith(ListObjectsV2Command, { Bucket: 'media-bucket', Prefix: `media/${U2}/` });
    expect(s3).toHaveReceivedCommandWith(DeleteObjectsCommand, {
      Bucket: 'media-bucket',
      Delete: { Objects: [{ Key: `media/${U2}/master.m3u8` }, { Key: `media/${U2}/720p/segment-0.ts` }], Quiet: true },
    });
    expect(sqs).toHaveReceivedCommandExactlyOnceWith(SendMessageCommand, {
      QueueUrl: 'https://sqs.eu-west-1.amazonaws.com/123456789012/invalidations',
      MessageBody: JSON.stringify({ uploadId: U2 }),
      DelaySeconds: 60,
    });
  });

  it('skips a stalled processing upload with a running MediaConvert job, changing nothing: the status function asks MediaConvert about it', async () => {
    indexHolds([], [running({ runningJob: 'mediaconvert', transcodeJob: transcodeJob() })]);

    await expect(sweepStalledUploads(NOW, SETTINGS)).resolves.toEqual({ requeued: 0, failed: 0, skipped: 1, errors: 0 });

    expect(dynamo).not.toHaveReceivedCommand(UpdateCommand);
    expect(s3).not.toHaveReceivedCommand(ListObjectsV2Command);
    expect(sqs).not.toHaveReceivedCommand(SendMessageCommand);
  });

  it('skips an upload that a run claimed or reported on since the index was read, changing and sending nothing', async () => {
    indexHolds([waiting()], [running()]);
    dynamo.on(UpdateCommand).rejects(conditionFailed());
    dynamo.on(GetCommand, { Key: { uploadId: U1 } }).resolves({ Item: waiting({ status: 'processing', writeId: 'claim' }) });
    dynamo.on(GetCommand, { Key: { uploadId: U2 } }).resolves({ Item: running({ writeId: 'progress' }) });

    await expect(sweepStalledUploads(NOW, SETTINGS)).resolves.toEqual({ requeued: 0, failed: 0, skipped: 2, errors: 0 });

    expect(sqs).not.toHaveReceivedCommand(SendMessageCommand);
    expect(s3).not.toHaveReceivedCommand(ListObjectsV2Command);
  });

  it('counts an upload whose re-send failed as an error, logs it, and settles the others', async () => {
    const error = vi.spyOn(logger, 'error').mockImplementation(() => undefined);
    indexHolds([waiting(), waiting({ uploadId: '33333333-3333-4333-8333-333333333333' })], []);
    sqs.on(SendMessageCommand).rejectsOnce(new Error('Throttled')).resolves({ MessageId: 'm-2' });

    await expect(sweepStalledUploads(NOW, SETTINGS)).resolves.toEqual({ requeued: 1, failed: 0, skipped: 0, errors: 1 });
    expect(error).toHaveBeenCalledWith('Could not settle a stalled upload; the next run tries again', expect.objectContaining({ uploadId: U1 }));
  });

  it('keeps the failure when the outputs of a stalled run cannot be removed (the output pass removes them later)', async () => {
    vi.spyOn(logger, 'error').mockImplementation(() => undefined);
    indexHolds([], [running()]);
    s3.on(ListObjectsV2Command).rejects(new Error('SlowDown'));

    await expect(sweepStalledUploads(NOW, SETTINGS)).resolves.toEqual({ requeued: 0, failed: 1, skipped: 0, errors: 0 });
  });

  it('settles no more than MAX_STALLED_PER_STATUS uploads of each status per run', async () => {
    dynamo.on(QueryCommand).callsFake(async (input: { Limit: number; ExpressionAttributeValues: { ':status': string } }) => ({
      Items: Array.from({ length: input.Limit }, () => (input.ExpressionAttributeValues[':status'] === 'uploaded' ? waiting() : running())),
      LastEvaluatedKey: { more: true },
    }));

    const counts = await sweepStalledUploads(NOW, SETTINGS);

    expect(counts.requeued + counts.failed).toBe(2 * MAX_STALLED_PER_STATUS);
  });

  it('runs no pass when the queue cannot say how many events wait (the run fails and is retried)', async () => {
    sqs.on(GetQueueAttributesCommand).resolves({ Attributes: {} });

    await expect(sweepStalledUploads(NOW, SETTINGS)).rejects.toThrow('The process queue reported undefined waiting messages');
    expect(dynamo).not.toHaveReceivedAnyCommand();
  });
});
