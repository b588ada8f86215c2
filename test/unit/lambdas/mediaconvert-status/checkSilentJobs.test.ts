import { GetJobCommand, MediaConvertClient, NotFoundException, TooManyRequestsException, type Job } from '@aws-sdk/client-mediaconvert';
import { DeleteObjectsCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
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

import { checkSilentJobs, MAX_CHECKED_JOBS } from '../../../../lambdas/mediaconvert-status/checkSilentJobs.js';
import type { JobStateContext } from '../../../../lambdas/process-upload/mediaconvert/applyJobState.js';
import { logger } from '../../../../lambdas/shared/logger.js';
import type { MediaInfo, UploadRecord } from '../../../../lambdas/shared/uploadRecord.js';
import { JOB_ID, JOB_TOKEN, QUEUE_ARN, ROLE_ARN, STACK_NAME, transcodeJob } from '../../support/transcodeJob.js';
import { fakeUploadsTable, uploadRecord } from '../process-upload/fakeUploadsTable.js';

const dynamo = mockClient(DynamoDBDocumentClient);
const s3 = mockClient(S3Client);
const sqs = mockClient(SQSClient);
const mediaConvert = mockClient(MediaConvertClient);

const NOW = new Date('2025-03-01T12:00:00.000Z');
const MEDIA: MediaInfo = { kind: 'video', durationSeconds: 13 };
const NONE = { foreign: 0, ignored: 0, progress: 0, ready: 0, failed: 0, outputsRemoved: 0, lost: 0, errors: 0 };

function silent(overrides: Partial<UploadRecord> = {}): UploadRecord {
  return uploadRecord({
    status: 'processing',
    pendingProcessing: 'processing',
    stage: 'transcode',
    progress: 30,
    transcoder: 'mediaconvert',
    transcodeJob: transcodeJob(),
    runningJob: 'mediaconvert',
    writeId: 'write-last-event',
    updatedAt: '2025-03-01T11:00:00.000Z',
    ...overrides,
  });
}

/** GetJob's answer for the job of upload `uploadId`. */
function job(status: Job['Status'], overrides: Partial<Job> = {}, uploadId = 'u1'): { Job: Job } {
  return {
    Job: { Id: JOB_ID, Status: status, Queue: QUEUE_ARN, Role: ROLE_ARN, Settings: {}, UserMetadata: { uploadId, stack: STACK_NAME, token: JOB_TOKEN }, ...overrides },
  };
}

function context(): JobStateContext {
  return {
    queueArn: QUEUE_ARN,
    stackName: STACK_NAME,
    touch: true,
    finish: vi.fn(async () => ({ media: MEDIA, leftovers: [] })),
    removeLeftovers: vi.fn(async () => undefined),
  };
}

describe('checkSilentJobs', () => {
  beforeEach(() => {
    dynamo.reset();
    s3.reset();
    sqs.reset();
    sqs.on(SendMessageCommand).resolves({ MessageId: 'invalidation-1' });
    mediaConvert.reset();
    s3.on(ListObjectsV2Command).resolves({ Contents: [{ Key: 'media/u1/poster.jpg' }] });
    s3.on(DeleteObjectsCommand).resolves({});
    vi.spyOn(logger, 'info').mockImplementation(() => undefined);
    vi.spyOn(logger, 'warn').mockImplementation(() => undefined);
  });
  afterEach(() => vi.restoreAllMocks());

  it('asks the index for at most MAX_CHECKED_JOBS jobs silent for 30 minutes, and nothing more when there are none', async () => {
    dynamo.on(QueryCommand).resolves({ Items: [] });
    await expect(checkSilentJobs(NOW, context())).resolves.toEqual(NONE);
    expect(dynamo).toHaveReceivedCommandWith(QueryCommand, {
      IndexName: 'byRunningJob',
      ExpressionAttributeValues: { ':mediaconvert': 'mediaconvert', ':before': '2025-03-01T11:30:00.000Z' },
      Limit: MAX_CHECKED_JOBS,
    });
    expect(mediaConvert.calls()).toEqual([]);
  });

  it('touches the record of a job that is still running, guarded by the write it read, so it leaves the front of the index', async () => {
    const table = fakeUploadsTable(dynamo, [silent()]);
    dynamo.on(QueryCommand).resolves({ Items: [silent()] });
    mediaConvert.on(GetJobCommand).resolves(job('PROGRESSING', { JobPercentComplete: 30 }));

    await expect(checkSilentJobs(NOW, context())).resolves.toEqual({ ...NONE, progress: 1 });

    expect(mediaConvert).toHaveReceivedCommandExactlyOnceWith(GetJobCommand, { Id: JOB_ID });
    expect(dynamo).toHaveReceivedCommandExactlyOnceWith(UpdateCommand, {
      ConditionExpression: '#status IN (:from0) AND #writeId = :ifWriteId',
      ExpressionAttributeValues: expect.objectContaining({ ':ifWriteId': 'write-last-event' }),
    });
    expect(table.get('u1')).toMatchObject({ status: 'processing', progress: 30, runningJob: 'mediaconvert' });
    expect(table.get('u1')?.updatedAt).not.toBe('2025-03-01T11:00:00.000Z');
  });

  it('touches a job still waiting in the queue (SUBMITTED) the same way', async () => {
    fakeUploadsTable(dynamo, [silent({ progress: 0 })]);
    dynamo.on(QueryCommand).resolves({ Items: [silent({ progress: 0 })] });
    mediaConvert.on(GetJobCommand).resolves(job('SUBMITTED'));
    await expect(checkSilentJobs(NOW, context())).resolves.toEqual({ ...NONE, progress: 1 });
  });

  it('applies a COMPLETE whose event was lost: the outputs are finished and the upload is ready', async () => {
    const table = fakeUploadsTable(dynamo, [silent()]);
    dynamo.on(QueryCommand).resolves({ Items: [silent()] });
    mediaConvert.on(GetJobCommand).resolves(job('COMPLETE', { JobPercentComplete: 100 }));
    const ctx = context();

    await expect(checkSilentJobs(NOW, ctx)).resolves.toEqual({ ...NONE, ready: 1 });

    expect(ctx.finish).toHaveBeenCalledWith('u1', transcodeJob());
    expect(table.get('u1')).toMatchObject({ status: 'ready', media: MEDIA });
    expect(table.get('u1')).not.toHaveProperty('runningJob');
  });

  it('applies an ERROR whose event was lost: failed with the mapped code', async () => {
    const table = fakeUploadsTable(dynamo, [silent()]);
    dynamo.on(QueryCommand).resolves({ Items: [silent()] });
    mediaConvert.on(GetJobCommand).resolves(job('ERROR', { ErrorCode: 1030, ErrorMessage: 'Unsupported codec' }));
    await expect(checkSilentJobs(NOW, context())).resolves.toEqual({ ...NONE, failed: 1 });
    expect(table.get('u1')).toMatchObject({ status: 'failed', error: { code: 'UNSUPPORTED_MEDIA' } });
  });

  it('fails an upload whose job MediaConvert no longer knows as PROCESSING_STALLED, guarded by the write it read, and removes its outputs', async () => {
    const table = fakeUploadsTable(dynamo, [silent()]);
    dynamo.on(QueryCommand).resolves({ Items: [silent()] });
    mediaConvert.on(GetJobCommand).rejects(new NotFoundException({ message: 'Job not found', $metadata: { httpStatusCode: 404 } }));

    await expect(checkSilentJobs(NOW, context())).resolves.toEqual({ ...NONE, lost: 1 });

    expect(table.get('u1')).toMatchObject({
      status: 'failed',
      error: { code: 'PROCESSING_STALLED', message: 'The transcode job was lost before it finished; upload the video again' },
    });
    for (const gone of ['progress', 'stage', 'runningJob']) expect(table.get('u1')).not.toHaveProperty(gone);
    expect(dynamo).toHaveReceivedCommandWith(UpdateCommand, {
      ConditionExpression: '#status IN (:from0) AND #writeId = :ifWriteId',
      ExpressionAttributeValues: expect.objectContaining({ ':to': 'failed', ':ifWriteId': 'write-last-event' }),
    });
    expect(s3).toHaveReceivedCommandWith(ListObjectsV2Command, { Bucket: 'media-bucket', Prefix: 'media/u1/' });
    expect(s3).toHaveReceivedCommandWith(DeleteObjectsCommand, { Bucket: 'media-bucket', Delete: { Objects: [{ Key: 'media/u1/poster.jpg' }], Quiet: true } });
  });

  it('leaves an upload alone when its job is unknown but it was written since the index was read', async () => {
    const table = fakeUploadsTable(dynamo, [silent({ writeId: 'write-just-now', status: 'ready', media: MEDIA })]);
    dynamo.on(QueryCommand).resolves({ Items: [silent()] });
    mediaConvert.on(GetJobCommand).rejects(new NotFoundException({ message: 'Job not found', $metadata: { httpStatusCode: 404 } }));

    await expect(checkSilentJobs(NOW, context())).resolves.toEqual({ ...NONE, lost: 1 });

    expect(table.get('u1')).toMatchObject({ status: 'ready', media: MEDIA });
    expect(s3.calls()).toEqual([]);
  });

  it('counts a job it could not ask about as an error, logs it, and checks the others', async () => {
    const error = vi.spyOn(logger, 'error').mockImplementation(() => undefined);
    const u2 = silent({ uploadId: 'u2', transcodeJob: transcodeJob({ id: 'job-2' }) });
    fakeUploadsTable(dynamo, [silent(), u2]);
    dynamo.on(QueryCommand).resolves({ Items: [silent(), u2] });
    mediaConvert.on(GetJobCommand, { Id: JOB_ID }).rejects(new TooManyRequestsException({ message: 'Too many requests', $metadata: { httpStatusCode: 429 } }));
    mediaConvert.on(GetJobCommand, { Id: 'job-2' }).resolves(job('PROGRESSING', { Id: 'job-2', JobPercentComplete: 50 }, 'u2'));

    await expect(checkSilentJobs(NOW, context())).resolves.toEqual({ ...NONE, progress: 1, errors: 1 });

    expect(error).toHaveBeenCalledWith('Could not check a silent transcode job; the next check tries again', expect.objectContaining({ uploadId: 'u1' }));
  });

  it('fails an upload whose submission was recorded but never its job id, without asking MediaConvert', async () => {
    const { id: _id, ...submitting } = transcodeJob();
    const table = fakeUploadsTable(dynamo, [silent({ transcodeJob: submitting })]);
    dynamo.on(QueryCommand).resolves({ Items: [table.get('u1') as UploadRecord] });

    const counts = await checkSilentJobs(NOW, context());

    expect(counts).toEqual({ ...NONE, lost: 1 });
    expect(mediaConvert.calls()).toEqual([]);
    expect(table.get('u1')).toMatchObject({ status: 'failed', error: { code: 'PROCESSING_STALLED' } });
  });

  it('ignores an indexed upload that names no job', async () => {
    fakeUploadsTable(dynamo, [silent({ transcodeJob: undefined })]);
    dynamo.on(QueryCommand).resolves({ Items: [silent({ transcodeJob: undefined })] });
    await expect(checkSilentJobs(NOW, context())).resolves.toEqual({ ...NONE, ignored: 1 });
    expect(mediaConvert.calls()).toEqual([]);
  });
});
