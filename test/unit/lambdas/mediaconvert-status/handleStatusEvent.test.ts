import { GetJobCommand, MediaConvertClient } from '@aws-sdk/client-mediaconvert';
import { S3Client } from '@aws-sdk/client-s3';
import { ProvisionedThroughputExceededException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

vi.hoisted(() => {
  process.env.UPLOADS_TABLE = 'uploads-table';
  process.env.USAGE_TABLE = 'usage-table';
  process.env.MEDIA_BUCKET = 'media-bucket';
  process.env.INVALIDATION_QUEUE_URL = 'https://sqs.eu-west-1.amazonaws.com/123456789012/invalidations';
  process.env.MEDIACONVERT_SETTINGS = JSON.stringify({
    queueArn: 'arn:aws:mediaconvert:us-east-1:123456789012:queues/media-pipeline',
    roleArn: 'arn:aws:iam::123456789012:role/mc',
    stackName: 'media-pipeline-test',
    accelerated: false,
  });
});

import { handleStatusEvent, type StatusContexts, type StatusEvent } from '../../../../lambdas/mediaconvert-status/handleStatusEvent.js';
import { logger } from '../../../../lambdas/shared/logger.js';
import type { UploadRecord } from '../../../../lambdas/shared/uploadRecord.js';
import { JOB_ID, JOB_TOKEN, QUEUE_ARN, ROLE_ARN, STACK_NAME, transcodeJob } from '../../support/transcodeJob.js';
import { fakeUploadsTable, uploadRecord } from '../process-upload/fakeUploadsTable.js';

const dynamo = mockClient(DynamoDBDocumentClient);
const s3 = mockClient(S3Client);
const sqs = mockClient(SQSClient);
const mediaConvert = mockClient(MediaConvertClient);

const NOW = new Date('2025-03-01T12:00:00.000Z');

function processing(overrides: Partial<UploadRecord> = {}): UploadRecord {
  return uploadRecord({
    status: 'processing',
    stage: 'transcode',
    progress: 10,
    transcodeJob: transcodeJob(),
    runningJob: 'mediaconvert',
    writeId: 'write-seen',
    updatedAt: '2025-03-01T11:00:00.000Z',
    ...overrides,
  });
}

/** A state change of upload u1's job, as EventBridge delivers it from this stack's rule. */
function jobEvent(detail: Record<string, unknown>): StatusEvent {
  return {
    source: 'aws.mediaconvert',
    'detail-type': 'MediaConvert Job State Change',
    time: '2025-03-01T11:59:58Z',
    detail: { jobId: JOB_ID, queue: QUEUE_ARN, userMetadata: { uploadId: 'u1', stack: STACK_NAME, token: JOB_TOKEN }, ...detail },
  };
}

const TICK: StatusEvent = { source: 'aws.events', 'detail-type': 'Scheduled Event', time: '2025-03-01T12:00:00Z', detail: {} };

function contexts(): StatusContexts {
  const base = { queueArn: QUEUE_ARN, stackName: STACK_NAME, removeLeftovers: vi.fn(async () => undefined) };
  return {
    event: { ...base, finish: vi.fn(async () => ({ media: { kind: 'video' as const }, leftovers: [] })) },
    check: { ...base, touch: true, finish: vi.fn(async () => ({ media: { kind: 'video' as const }, leftovers: [] })) },
  };
}

describe('handleStatusEvent', () => {
  beforeEach(() => {
    dynamo.reset();
    s3.reset();
    sqs.reset();
    sqs.on(SendMessageCommand).resolves({ MessageId: 'invalidation-1' });
    mediaConvert.reset();
    vi.spyOn(logger, 'info').mockImplementation(() => undefined);
    vi.spyOn(logger, 'warn').mockImplementation(() => undefined);
    vi.spyOn(logger, 'debug').mockImplementation(() => undefined);
  });
  afterEach(() => vi.restoreAllMocks());

  it("applies a job state change with the events' context: progress written only if higher", async () => {
    const table = fakeUploadsTable(dynamo, [processing()]);
    await handleStatusEvent(jobEvent({ status: 'STATUS_UPDATE', jobProgress: { jobPercentComplete: 42, currentPhase: 'TRANSCODING' } }), contexts(), NOW);
    expect(table.get('u1')?.progress).toBe(42);
    expect(dynamo).toHaveReceivedCommandWith(UpdateCommand, {
      ConditionExpression: '#status IN (:from0) AND (attribute_not_exists(#progress) OR #progress < :ifProgressBelow)',
    });
    expect(dynamo).not.toHaveReceivedCommand(QueryCommand);
  });

  it('finishes a COMPLETE with the events\' context', async () => {
    const table = fakeUploadsTable(dynamo, [processing()]);
    const both = contexts();
    await handleStatusEvent(jobEvent({ status: 'COMPLETE' }), both, NOW);
    expect(both.event.finish).toHaveBeenCalledWith('u1', transcodeJob());
    expect(both.check.finish).not.toHaveBeenCalled();
    expect(table.get('u1')?.status).toBe('ready');
  });

  it("on the scheduled tick, asks about jobs silent for 30 minutes with the check's context (a running job is touched)", async () => {
    fakeUploadsTable(dynamo, [processing()]);
    dynamo.on(QueryCommand).resolves({ Items: [processing()] });
    mediaConvert.on(GetJobCommand).resolves({
      Job: { Id: JOB_ID, Status: 'PROGRESSING', JobPercentComplete: 10, Queue: QUEUE_ARN, Role: ROLE_ARN, Settings: {}, UserMetadata: { uploadId: 'u1', stack: STACK_NAME, token: JOB_TOKEN } },
    });

    await handleStatusEvent(TICK, contexts(), NOW);

    expect(dynamo).toHaveReceivedCommandWith(QueryCommand, { IndexName: 'byRunningJob', ExpressionAttributeValues: expect.objectContaining({ ':before': '2025-03-01T11:30:00.000Z' }) });
    expect(dynamo).toHaveReceivedCommandWith(UpdateCommand, { ConditionExpression: '#status IN (:from0) AND #writeId = :ifWriteId' });
  });

  it('ignores a job of another queue (the documented examples run on the Default queue) without reading anything', async () => {
    await handleStatusEvent(jobEvent({ status: 'COMPLETE', queue: 'arn:aws:mediaconvert:us-west-2:111122223333:queues/Default', userMetadata: {} }), contexts(), NOW);
    expect(dynamo.calls()).toEqual([]);
    expect(s3.calls()).toEqual([]);
  });

  it.each<[string, StatusEvent]>([
    ['another detail type', { source: 'aws.mediaconvert', 'detail-type': 'MediaConvert Queue State Change', detail: {} }],
    ['another source', { source: 'aws.s3', 'detail-type': 'Object Created', detail: {} }],
    ['a state change without a job id', { ...jobEvent({ status: 'COMPLETE' }), detail: { status: 'COMPLETE', queue: QUEUE_ARN } }],
  ])('drops %s with a warning, reading and writing nothing', async (_case, event) => {
    await expect(handleStatusEvent(event, contexts(), NOW)).resolves.toBeUndefined();
    expect(logger.warn).toHaveBeenCalledWith('Dropping an event that is not a MediaConvert job state change', expect.anything());
    expect(dynamo.calls()).toEqual([]);
    expect(mediaConvert.calls()).toEqual([]);
  });

  it('throws a fault while applying, so EventBridge retries and then dead-letters the event', async () => {
    dynamo.on(GetCommand).rejects(new ProvisionedThroughputExceededException({ message: 'slow down', $metadata: {} }));
    await expect(handleStatusEvent(jobEvent({ status: 'COMPLETE' }), contexts(), NOW)).rejects.toThrow('slow down');
  });
});
