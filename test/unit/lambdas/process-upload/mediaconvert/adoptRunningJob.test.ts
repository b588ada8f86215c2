import { GetJobCommand, MediaConvertClient } from '@aws-sdk/client-mediaconvert';
import { S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

vi.hoisted(() => {
  process.env.UPLOADS_TABLE = 'uploads-table';
  process.env.USAGE_TABLE = 'usage-table';
  process.env.MEDIA_BUCKET = 'media-bucket';
  process.env.INVALIDATION_QUEUE_URL = 'https://sqs.eu-west-1.amazonaws.com/123456789012/invalidations';
  process.env.MEDIA_BASE_URL = 'https://cdn.example.com';
  process.env.MEDIACONVERT_SETTINGS = JSON.stringify({
    queueArn: 'arn:aws:mediaconvert:us-east-1:123456789012:queues/media-pipeline',
    roleArn: 'arn:aws:iam::123456789012:role/mc',
    stackName: 'media-pipeline-test',
    accelerated: false,
  });
});

import { adoptRunningJob } from '../../../../../lambdas/process-upload/mediaconvert/adoptRunningJob.js';
import { logger } from '../../../../../lambdas/shared/logger.js';
import type { UploadRecord } from '../../../../../lambdas/shared/uploadRecord.js';
import { JOB_ID, JOB_TOKEN, QUEUE_ARN, ROLE_ARN, STACK_NAME, transcodeJob } from '../../../support/transcodeJob.js';
import { fakeUploadsTable, uploadRecord } from '../fakeUploadsTable.js';

const dynamo = mockClient(DynamoDBDocumentClient);
const s3 = mockClient(S3Client);
const sqs = mockClient(SQSClient);
const mediaConvert = mockClient(MediaConvertClient);

function handedOver(overrides: Partial<UploadRecord> = {}): UploadRecord {
  return uploadRecord({ status: 'processing', stage: 'transcode', progress: 5, runningJob: 'mediaconvert', transcodeJob: transcodeJob(), ...overrides });
}

describe('adoptRunningJob', () => {
  beforeEach(() => {
    dynamo.reset();
    s3.reset();
    sqs.reset();
    sqs.on(SendMessageCommand).resolves({ MessageId: 'invalidation-1' });
    mediaConvert.reset();
    vi.spyOn(logger, 'info').mockImplementation(() => undefined);
  });
  afterEach(() => vi.restoreAllMocks());

  it('asks GetJob about the recorded job and applies its answer, submitting nothing', async () => {
    const table = fakeUploadsTable(dynamo, [handedOver()]);
    mediaConvert.on(GetJobCommand).resolves({
      Job: { Id: JOB_ID, Status: 'PROGRESSING', JobPercentComplete: 64, Queue: QUEUE_ARN, Role: ROLE_ARN, Settings: {}, UserMetadata: { uploadId: 'u1', stack: STACK_NAME, token: JOB_TOKEN } },
    });

    await expect(adoptRunningJob(handedOver())).resolves.toBe('progress');

    expect(mediaConvert).toHaveReceivedCommandExactlyOnceWith(GetJobCommand, { Id: JOB_ID });
    expect(mediaConvert.calls()).toHaveLength(1);
    expect(table.get('u1')).toMatchObject({ status: 'processing', progress: 64, runningJob: 'mediaconvert' });
  });

  it('asks nothing when the earlier attempt died before recording the job id: the job reports by its token, or the silent-job check fails the upload', async () => {
    const { id: _id, ...submitting } = transcodeJob();
    await expect(adoptRunningJob(handedOver({ transcodeJob: submitting }))).resolves.toBe('ignored');
    expect(mediaConvert.calls()).toEqual([]);
  });

  it('refuses a record that names no job', async () => {
    await expect(adoptRunningJob(handedOver({ transcodeJob: undefined }))).rejects.toThrow(new TypeError('Upload u1 has a running job but names none'));
    expect(mediaConvert.calls()).toEqual([]);
  });

  it('fails loudly when GetJob answers without the job', async () => {
    mediaConvert.on(GetJobCommand).resolves({});
    await expect(adoptRunningJob(handedOver())).rejects.toThrow(`GetJob answered without the job ${JOB_ID}`);
  });
});
