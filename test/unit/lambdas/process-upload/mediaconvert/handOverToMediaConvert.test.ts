import { CancelJobCommand, CreateJobCommand, MediaConvertClient, TooManyRequestsException } from '@aws-sdk/client-mediaconvert';
import { DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

vi.hoisted(() => {
  process.env.UPLOADS_TABLE = 'uploads-table';
  process.env.USAGE_TABLE = 'usage-table';
  process.env.MEDIACONVERT_SETTINGS = JSON.stringify({
    queueArn: 'arn:aws:mediaconvert:us-east-1:123456789012:queues/media-pipeline',
    roleArn: 'arn:aws:iam::123456789012:role/mc',
    stackName: 'media-pipeline-test',
    accelerated: false,
  });
});

import { handOverToMediaConvert } from '../../../../../lambdas/process-upload/mediaconvert/handOverToMediaConvert.js';
import { InvalidStateError, ProcessingError } from '../../../../../lambdas/shared/errors.js';
import { logger } from '../../../../../lambdas/shared/logger.js';
import type { UploadRecord } from '../../../../../lambdas/shared/uploadRecord.js';
import { JOB_ID, JOB_TOKEN, talkMedia, transcodeJob } from '../../../support/transcodeJob.js';
import { fakeUploadsTable, uploadRecord } from '../fakeUploadsTable.js';

const dynamo = mockClient(DynamoDBDocumentClient);
const mediaConvert = mockClient(MediaConvertClient);
const { id: _id, ...JOB } = transcodeJob();
const LOCATION = { uploadId: 'u1', uploadsBucket: 'uploads-bucket', sourceKey: 'uploads/u1/source', mediaBucket: 'media-bucket' };

function processing(overrides: Partial<UploadRecord> = {}): UploadRecord {
  return uploadRecord({ status: 'processing', pendingProcessing: 'processing', stage: 'transcode', ...overrides });
}

describe('handOverToMediaConvert', () => {
  beforeEach(() => {
    dynamo.reset();
    mediaConvert.reset();
    vi.spyOn(logger, 'info').mockImplementation(() => undefined);
    vi.spyOn(logger, 'warn').mockImplementation(() => undefined);
  });
  afterEach(() => vi.restoreAllMocks());

  it('records the submission by its token, submits, then records the job id; the upload stays processing', async () => {
    const table = fakeUploadsTable(dynamo, [processing()]);
    const seenAtSubmit: (UploadRecord | undefined)[] = [];
    mediaConvert.on(CreateJobCommand).callsFake(async () => {
      seenAtSubmit.push(table.get('u1'));
      return { Job: { Id: JOB_ID, Status: 'SUBMITTED' } };
    });

    await handOverToMediaConvert(JOB, LOCATION);

    expect(seenAtSubmit[0]).toMatchObject({ transcoder: 'mediaconvert', runningJob: 'mediaconvert', transcodeJob: { token: JOB_TOKEN } });
    expect(seenAtSubmit[0]?.transcodeJob?.id).toBeUndefined();
    expect(mediaConvert).toHaveReceivedCommandWith(CreateJobCommand, { ClientRequestToken: JOB_TOKEN, UserMetadata: expect.objectContaining({ token: JOB_TOKEN }) });
    expect(table.get('u1')).toMatchObject({ status: 'processing', runningJob: 'mediaconvert', transcodeJob: { token: JOB_TOKEN, id: JOB_ID } });
  });

  it('cancels the job and rethrows when the upload left processing before the id could be recorded', async () => {
    const table = fakeUploadsTable(dynamo, [processing()]);
    mediaConvert.on(CreateJobCommand).callsFake(async () => {
      // Cancelled by its owner while the job was being submitted.
      table.set('u1', { ...(table.get('u1') as UploadRecord), status: 'cancelled' });
      return { Job: { Id: JOB_ID, Status: 'SUBMITTED' } };
    });
    mediaConvert.on(CancelJobCommand).resolves({});

    await expect(handOverToMediaConvert(JOB, LOCATION)).rejects.toBeInstanceOf(InvalidStateError);

    expect(mediaConvert).toHaveReceivedCommandWith(CancelJobCommand, { Id: JOB_ID });
  });

  it('takes the submission back when CreateJob fails, so the redelivered event submits again instead of following a job that never was', async () => {
    const table = fakeUploadsTable(dynamo, [processing()]);
    mediaConvert.on(CreateJobCommand).rejects(new TooManyRequestsException({ message: 'Too many requests', $metadata: {} }));

    const handedOver = handOverToMediaConvert(JOB, LOCATION);

    await expect(handedOver).rejects.toBeInstanceOf(ProcessingError);
    await expect(handedOver).rejects.toMatchObject({ retryable: true });
    // claimUpload reclaims a redelivered processing upload unless it names a running job.
    const record = table.get('u1');
    expect(record).toMatchObject({ status: 'processing' });
    expect(record?.runningJob).toBeUndefined();
    expect(record?.transcodeJob).toBeUndefined();
  });

  it('still rethrows the CreateJob failure when taking the submission back finds the upload cancelled', async () => {
    const table = fakeUploadsTable(dynamo, [processing()]);
    mediaConvert.on(CreateJobCommand).callsFake(async () => {
      table.set('u1', { ...(table.get('u1') as UploadRecord), status: 'cancelled' });
      throw new TooManyRequestsException({ message: 'Too many requests', $metadata: {} });
    });

    await expect(handOverToMediaConvert(JOB, LOCATION)).rejects.toBeInstanceOf(ProcessingError);

    expect(table.get('u1')).toMatchObject({ status: 'cancelled' });
  });

  it('fails for good, submitting nothing, when the builder refuses the job the file led to (no stated length plans no thumbnail grid)', async () => {
    const table = fakeUploadsTable(dynamo, [processing()]);
    const { id: _unset, ...unmeasured } = transcodeJob({}, talkMedia({ durationSeconds: undefined }));

    const handedOver = handOverToMediaConvert(unmeasured, LOCATION);

    // A fault would be retried with the whole event (probe, poster) until the last attempt.
    await expect(handedOver).rejects.toBeInstanceOf(ProcessingError);
    await expect(handedOver).rejects.toMatchObject({ code: 'TRANSCODE_FAILED', retryable: false });
    expect(mediaConvert).not.toHaveReceivedCommand(CreateJobCommand);
    expect(table.get('u1')?.runningJob).toBeUndefined();
  });

  it('submits nothing when the upload left processing before the submission could be recorded', async () => {
    fakeUploadsTable(dynamo, [processing({ status: 'cancelled' })]);

    await expect(handOverToMediaConvert(JOB, LOCATION)).rejects.toBeInstanceOf(InvalidStateError);

    expect(mediaConvert).not.toHaveReceivedCommand(CreateJobCommand);
    expect(dynamo).toHaveReceivedCommandTimes(UpdateCommand, 1);
  });
});
