import { DeleteObjectsCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

vi.hoisted(() => {
  process.env.UPLOADS_TABLE = 'uploads-table';
  process.env.USAGE_TABLE = 'usage-table';
  process.env.MEDIA_BUCKET = 'media-bucket';
  process.env.INVALIDATION_QUEUE_URL = 'https://sqs.eu-west-1.amazonaws.com/123456789012/invalidations';
});

import { applyJobState, type JobStateContext } from '../../../../../lambdas/process-upload/mediaconvert/applyJobState.js';
import type { FinishedJob } from '../../../../../lambdas/process-upload/mediaconvert/finishJob.js';
import type { JobState } from '../../../../../lambdas/process-upload/mediaconvert/jobState.js';
import { ProcessingError } from '../../../../../lambdas/shared/errors.js';
import { logger } from '../../../../../lambdas/shared/logger.js';
import type { MediaInfo, TranscodeJob, UploadRecord } from '../../../../../lambdas/shared/uploadRecord.js';
import { JOB_ID, JOB_TOKEN, QUEUE_ARN, STACK_NAME, transcodeJob } from '../../../support/transcodeJob.js';
import { fakeUploadsTable, uploadRecord } from '../fakeUploadsTable.js';

const dynamo = mockClient(DynamoDBDocumentClient);
const s3 = mockClient(S3Client);
const sqs = mockClient(SQSClient);

const JOB = transcodeJob();
const OTHER_TOKEN = 'fedcba9876543210';
const MEDIA: MediaInfo = { kind: 'video', durationSeconds: 13, hlsUrl: 'https://cdn.example.com/media/u1/master.m3u8' };
const FINISHED: FinishedJob = {
  media: MEDIA,
  leftovers: [`media/u1/job-${JOB_TOKEN}/master.m3u8`, `media/u1/job-${JOB_TOKEN}/master_240p.m3u8`],
};
const OUTPUTS = [{ Key: 'media/u1/poster.jpg' }, { Key: `media/u1/job-${JOB_TOKEN}/master_00001.ts` }];

/** A processing upload whose job was submitted and recorded, at the transcode stage. */
function processing(overrides: Partial<UploadRecord> = {}): UploadRecord {
  return uploadRecord({
    status: 'processing',
    pendingProcessing: 'processing',
    stage: 'transcode',
    progress: 0,
    transcoder: 'mediaconvert',
    transcodeJob: JOB,
    runningJob: 'mediaconvert',
    writeId: 'write-submit',
    media: { kind: 'video', posterUrl: 'https://cdn.example.com/media/u1/poster.jpg' },
    ...overrides,
  });
}

/** What the job of upload u1 reports. */
function state(status: string, overrides: Partial<JobState> = {}): JobState {
  return { jobId: JOB_ID, status, queue: QUEUE_ARN, userMetadata: { uploadId: 'u1', stack: STACK_NAME, token: JOB_TOKEN }, ...overrides };
}

function context(overrides: Partial<JobStateContext> = {}): JobStateContext {
  return {
    queueArn: QUEUE_ARN,
    stackName: STACK_NAME,
    finish: vi.fn(async () => FINISHED),
    removeLeftovers: vi.fn(async () => undefined),
    ...overrides,
  };
}

/** The first read answers `stale` (what the caller saw before another write); later reads see the table. */
function firstReadSees(table: Map<string, UploadRecord>, stale: UploadRecord): void {
  let reads = 0;
  dynamo.on(GetCommand).callsFake(async (input: { Key: { uploadId: string } }) => {
    reads += 1;
    return { Item: reads === 1 ? stale : table.get(input.Key.uploadId) };
  });
}

/** The conditions of the updates sent, in order. */
function conditionsSent(): (string | undefined)[] {
  return dynamo.commandCalls(UpdateCommand).map(({ args }) => args[0].input.ConditionExpression);
}

describe('applyJobState', () => {
  beforeEach(() => {
    dynamo.reset();
    s3.reset();
    sqs.reset();
    sqs.on(SendMessageCommand).resolves({ MessageId: 'invalidation-1' });
    s3.on(ListObjectsV2Command).resolves({ Contents: OUTPUTS });
    s3.on(DeleteObjectsCommand).resolves({});
    vi.spyOn(logger, 'debug').mockImplementation(() => undefined);
    vi.spyOn(logger, 'info').mockImplementation(() => undefined);
    vi.spyOn(logger, 'warn').mockImplementation(() => undefined);
  });
  afterEach(() => vi.restoreAllMocks());

  describe('foreign jobs', () => {
    it.each([
      ['another queue', state('COMPLETE', { queue: 'arn:aws:mediaconvert:us-east-1:123456789012:queues/Default' })],
      ['no queue', state('COMPLETE', { queue: undefined })],
      ['another stack', state('COMPLETE', { userMetadata: { uploadId: 'u1', stack: 'media-pipeline-prod', token: JOB_TOKEN } })],
      ['no upload id', state('COMPLETE', { userMetadata: { stack: STACK_NAME } })],
      ['no metadata at all (the documented examples)', state('ERROR', { userMetadata: {} })],
      // Its record is missing, so a final state would remove media/<its id>/: another upload's rendition folder.
      ['an upload id that is a path (someone else on the account submitting to the queue)', state('COMPLETE', { userMetadata: { uploadId: 'u1/720p', stack: STACK_NAME, token: JOB_TOKEN } })],
      ['an empty upload id', state('ERROR', { userMetadata: { uploadId: '', stack: STACK_NAME } })],
    ])('ignores a job of %s without reading or writing anything', async (_case, foreign) => {
      const ctx = context();
      await expect(applyJobState(foreign, ctx)).resolves.toBe('foreign');
      expect(dynamo.calls()).toEqual([]);
      expect(s3.calls()).toEqual([]);
      expect(ctx.finish).not.toHaveBeenCalled();
    });
  });

  describe('a running job', () => {
    it("writes a STATUS_UPDATE's percent as the transcode stage's progress, only if it is higher than what is stored", async () => {
      const table = fakeUploadsTable(dynamo, [processing({ progress: 5 })]);
      await expect(applyJobState(state('STATUS_UPDATE', { percentComplete: 37 }), context())).resolves.toBe('progress');
      expect(table.get('u1')).toMatchObject({ status: 'processing', stage: 'transcode', progress: 37, runningJob: 'mediaconvert', transcodeJob: JOB });
      expect(dynamo).toHaveReceivedCommandWith(GetCommand, { TableName: 'uploads-table', Key: { uploadId: 'u1' }, ConsistentRead: true });
      expect(dynamo).toHaveReceivedCommandExactlyOnceWith(UpdateCommand, {
        ConditionExpression: '#status IN (:from0) AND (attribute_not_exists(#progress) OR #progress < :ifProgressBelow)',
        ExpressionAttributeValues: expect.objectContaining({ ':to': 'processing', ':from0': 'processing', ':ifProgressBelow': 37 }),
      });
      expect(s3.calls()).toEqual([]);
    });

    it('rounds a fractional percent down and keeps 100 for ready: a running job shows at most 99', async () => {
      const table = fakeUploadsTable(dynamo, [processing()]);
      await applyJobState(state('STATUS_UPDATE', { percentComplete: 37.9 }), context());
      expect(table.get('u1')?.progress).toBe(37);
      await applyJobState(state('STATUS_UPDATE', { percentComplete: 100 }), context());
      expect(table.get('u1')?.progress).toBe(99);
    });

    it('never moves progress back: a late, lower STATUS_UPDATE is ignored without a write', async () => {
      const table = fakeUploadsTable(dynamo, [processing()]);
      await expect(applyJobState(state('STATUS_UPDATE', { percentComplete: 60 }), context())).resolves.toBe('progress');
      await expect(applyJobState(state('STATUS_UPDATE', { percentComplete: 40 }), context())).resolves.toBe('ignored');
      await expect(applyJobState(state('STATUS_UPDATE', { percentComplete: 60 }), context())).resolves.toBe('ignored');
      expect(table.get('u1')?.progress).toBe(60);
      expect(dynamo).toHaveReceivedCommandTimes(UpdateCommand, 1);
    });

    it('never moves progress back when a higher percent was written between its read and its write (the condition refuses it)', async () => {
      const table = fakeUploadsTable(dynamo, [processing({ progress: 70 })]);
      // The read saw 20 %; an event for 70 % was applied since.
      firstReadSees(table, processing({ progress: 20 }));
      await expect(applyJobState(state('STATUS_UPDATE', { percentComplete: 45 }), context())).resolves.toBe('ignored');
      expect(table.get('u1')?.progress).toBe(70);
      expect(conditionsSent()).toEqual(['#status IN (:from0) AND (attribute_not_exists(#progress) OR #progress < :ifProgressBelow)']);
    });

    it('writes nothing for PROGRESSING, which carries no percent', async () => {
      fakeUploadsTable(dynamo, [processing()]);
      await expect(applyJobState(state('PROGRESSING'), context())).resolves.toBe('ignored');
      expect(dynamo).not.toHaveReceivedCommand(UpdateCommand);
    });

    it.each(['INPUT_INFORMATION', 'NEW_WARNING', 'QUEUE_HOP', 'SUBMITTED'])('treats %s like a running report without a percent', async (status) => {
      fakeUploadsTable(dynamo, [processing({ progress: 12 })]);
      await expect(applyJobState(state(status), context())).resolves.toBe('ignored');
      expect(dynamo).not.toHaveReceivedCommand(UpdateCommand);
    });

    it('ignores a STATUS_UPDATE that arrives after the job completed (the upload is ready)', async () => {
      const table = fakeUploadsTable(dynamo, [processing()]);
      const ctx = context();
      await expect(applyJobState(state('COMPLETE'), ctx)).resolves.toBe('ready');
      await expect(applyJobState(state('STATUS_UPDATE', { percentComplete: 98 }), ctx)).resolves.toBe('ignored');
      expect(table.get('u1')).toMatchObject({ status: 'ready', media: MEDIA });
      expect(table.get('u1')?.progress).toBeUndefined();
      expect(dynamo).toHaveReceivedCommandTimes(UpdateCommand, 1);
    });
  });

  describe('touch mode (the periodic check of a silent job)', () => {
    it('writes even when the progress did not rise, guarded by the write it read, so the job leaves the front of the silent index', async () => {
      const table = fakeUploadsTable(dynamo, [processing({ progress: 30, updatedAt: '2025-03-01T09:00:00.000Z' })]);
      await expect(applyJobState(state('PROGRESSING', { percentComplete: 30 }), context({ touch: true }))).resolves.toBe('progress');
      expect(dynamo).toHaveReceivedCommandExactlyOnceWith(UpdateCommand, {
        ConditionExpression: '#status IN (:from0) AND #writeId = :ifWriteId',
        ExpressionAttributeValues: expect.objectContaining({ ':ifWriteId': 'write-submit', ':from0': 'processing', ':to': 'processing' }),
      });
      expect(table.get('u1')).toMatchObject({ progress: 30, stage: 'transcode', runningJob: 'mediaconvert' });
      expect(table.get('u1')?.updatedAt).not.toBe('2025-03-01T09:00:00.000Z');
    });

    it('keeps the higher stored progress when GetJob reports less', async () => {
      const table = fakeUploadsTable(dynamo, [processing({ progress: 30 })]);
      await applyJobState(state('PROGRESSING', { percentComplete: 10 }), context({ touch: true }));
      expect(table.get('u1')?.progress).toBe(30);
    });

    it('gives way to a write made since it read the record', async () => {
      const table = fakeUploadsTable(dynamo, [processing({ progress: 50, writeId: 'write-event' })]);
      firstReadSees(table, processing({ progress: 30 }));
      await expect(applyJobState(state('PROGRESSING', { percentComplete: 40 }), context({ touch: true }))).resolves.toBe('ignored');
      expect(table.get('u1')).toMatchObject({ progress: 50, writeId: 'write-event' });
    });
  });

  describe('COMPLETE', () => {
    it('finishes the outputs, makes the upload ready with their media (progress, stage and the running-job key gone), then removes the leftovers', async () => {
      const table = fakeUploadsTable(dynamo, [processing({ progress: 95 })]);
      const order: string[] = [];
      const ctx = context({
        finish: vi.fn(async () => {
          order.push('finish');
          return FINISHED;
        }),
        removeLeftovers: vi.fn(async () => {
          order.push(`leftovers, upload ${table.get('u1')?.status}`);
        }),
      });

      await expect(applyJobState(state('COMPLETE'), ctx)).resolves.toBe('ready');

      expect(ctx.finish).toHaveBeenCalledWith('u1', JOB);
      expect(ctx.removeLeftovers).toHaveBeenCalledWith(FINISHED.leftovers);
      expect(order).toEqual(['finish', 'leftovers, upload ready']);
      const stored = table.get('u1');
      expect(stored).toMatchObject({ status: 'ready', media: MEDIA, transcoder: 'mediaconvert' });
      expect(stored).not.toHaveProperty('progress');
      expect(stored).not.toHaveProperty('stage');
      expect(stored).not.toHaveProperty('runningJob');
      expect(stored).not.toHaveProperty('pendingProcessing');
      expect(s3).not.toHaveReceivedCommand(DeleteObjectsCommand);
    });

    it('applies the final state once: a duplicate COMPLETE on the ready upload finishes nothing and writes nothing', async () => {
      const table = fakeUploadsTable(dynamo, [processing()]);
      const ctx = context();
      await applyJobState(state('COMPLETE'), ctx);
      const ready = { ...table.get('u1') };

      await expect(applyJobState(state('COMPLETE'), ctx)).resolves.toBe('ignored');

      expect(ctx.finish).toHaveBeenCalledTimes(1);
      expect(ctx.removeLeftovers).toHaveBeenCalledTimes(1);
      expect(table.get('u1')).toEqual(ready);
      expect(dynamo).toHaveReceivedCommandTimes(UpdateCommand, 1);
      expect(s3.calls()).toEqual([]);
    });

    it('leaves a ready upload alone when a second delivery of COMPLETE, read while it was processing, finishes after the first', async () => {
      const table = fakeUploadsTable(dynamo, [processing()]);
      await applyJobState(state('COMPLETE'), context());
      const ready = { ...table.get('u1') };
      firstReadSees(table, processing());
      const late = context();

      await expect(applyJobState(state('COMPLETE'), late)).resolves.toBe('ignored');

      expect(table.get('u1')).toEqual(ready);
      expect(late.removeLeftovers).not.toHaveBeenCalled();
      expect(s3).not.toHaveReceivedCommand(ListObjectsV2Command);
      expect(s3).not.toHaveReceivedCommand(DeleteObjectsCommand);
    });

    it("leaves a ready upload alone when a second delivery's finishing fails because the first removed the job's own files", async () => {
      const table = fakeUploadsTable(dynamo, [processing()]);
      await applyJobState(state('COMPLETE'), context());
      const ready = { ...table.get('u1') };
      firstReadSees(table, processing());
      const missing = new ProcessingError('TRANSCODE_FAILED', `The transcode of upload u1 finished without media/u1/job-${JOB_TOKEN}/master_240p.m3u8`);

      await expect(applyJobState(state('COMPLETE'), context({ finish: vi.fn(async () => Promise.reject(missing)) }))).resolves.toBe('ignored');

      expect(table.get('u1')).toEqual(ready);
      expect(s3).not.toHaveReceivedCommand(DeleteObjectsCommand);
    });

    it('ignores an ERROR of the same job after it completed (the final state once)', async () => {
      const table = fakeUploadsTable(dynamo, [processing({ status: 'ready', media: MEDIA, runningJob: undefined, pendingProcessing: undefined })]);
      await expect(applyJobState(state('ERROR', { errorCode: 1999 }), context())).resolves.toBe('ignored');
      expect(table.get('u1')?.status).toBe('ready');
      expect(s3.calls()).toEqual([]);
    });

    it('stays ready when the leftovers cannot be removed: they only sit beside the outputs', async () => {
      const table = fakeUploadsTable(dynamo, [processing()]);
      const ctx = context({ removeLeftovers: vi.fn(async () => Promise.reject(new Error('SlowDown'))) });
      await expect(applyJobState(state('COMPLETE'), ctx)).resolves.toBe('ready');
      expect(table.get('u1')?.status).toBe('ready');
      expect(logger.warn).toHaveBeenCalledWith(expect.stringContaining('Could not remove'), expect.objectContaining({ uploadId: 'u1' }));
    });

    it.each([
      ['TRANSCODE_FAILED', 'The transcode of upload u1 finished without segment master_240p_00002.ts of the 240p rendition'],
      ['TOO_LONG', 'The video lasts longer than 4:00:00, the most that is accepted'],
    ])('fails the upload with the code of a final %s from finishing, and removes its outputs', async (code, message) => {
      const table = fakeUploadsTable(dynamo, [processing()]);
      const ctx = context({ finish: vi.fn(async () => Promise.reject(new ProcessingError(code, message))) });

      await expect(applyJobState(state('COMPLETE'), ctx)).resolves.toBe('failed');

      expect(table.get('u1')).toMatchObject({ status: 'failed', error: { code, message } });
      expect(table.get('u1')).not.toHaveProperty('media');
      expect(table.get('u1')).not.toHaveProperty('runningJob');
      expect(ctx.removeLeftovers).not.toHaveBeenCalled();
      expect(s3).toHaveReceivedCommandWith(ListObjectsV2Command, { Bucket: 'media-bucket', Prefix: 'media/u1/' });
      expect(s3).toHaveReceivedCommandWith(DeleteObjectsCommand, { Bucket: 'media-bucket', Delete: { Objects: OUTPUTS, Quiet: true } });
    });

    it.each([
      ['a retryable ProcessingError', new ProcessingError('SOURCE_UNAVAILABLE', 'S3 is slow', { retryable: true })],
      ['an SDK fault', Object.assign(new Error('We encountered an internal error'), { name: 'InternalError' })],
    ])('throws %s from finishing, so the event is retried, changing nothing', async (_case, error) => {
      const table = fakeUploadsTable(dynamo, [processing({ progress: 95 })]);
      await expect(applyJobState(state('COMPLETE'), context({ finish: vi.fn(async () => Promise.reject(error)) }))).rejects.toBe(error);
      expect(table.get('u1')).toMatchObject({ status: 'processing', progress: 95, runningJob: 'mediaconvert' });
      expect(dynamo).not.toHaveReceivedCommand(UpdateCommand);
      expect(s3.calls()).toEqual([]);
    });

    it('removes the finished outputs when the upload was cancelled while they were being made', async () => {
      const table = fakeUploadsTable(dynamo, [processing()]);
      const ctx = context({
        finish: vi.fn(async () => {
          table.set('u1', { ...(table.get('u1') as UploadRecord), status: 'cancelled' });
          return FINISHED;
        }),
      });

      await expect(applyJobState(state('COMPLETE'), ctx)).resolves.toBe('outputsRemoved');

      expect(table.get('u1')?.status).toBe('cancelled');
      expect(s3).toHaveReceivedCommandWith(ListObjectsV2Command, { Bucket: 'media-bucket', Prefix: 'media/u1/' });
      expect(s3).toHaveReceivedCommandOnce(DeleteObjectsCommand);
      expect(ctx.removeLeftovers).not.toHaveBeenCalled();
    });
  });

  describe('ERROR and CANCELED', () => {
    it.each([
      [1030, 'UNSUPPORTED_MEDIA'],
      [1040, 'TRANSCODE_FAILED'],
      [undefined, 'TRANSCODE_FAILED'],
    ])('fails the upload on ERROR %s as %s, without MediaConvert\'s message, and withdraws what was published (the poster may be cached)', async (errorCode, code) => {
      const table = fakeUploadsTable(dynamo, [processing({ progress: 40 })]);
      const errored = state('ERROR', { ...(errorCode === undefined ? {} : { errorCode }), errorMessage: 'Bad input at s3://media-bucket/secret/key' });

      await expect(applyJobState(errored, context())).resolves.toBe('failed');

      const stored = table.get('u1');
      expect(stored).toMatchObject({ status: 'failed', error: { code } });
      expect(stored?.error?.message).not.toContain('s3://');
      for (const gone of ['progress', 'stage', 'runningJob', 'media']) expect(stored).not.toHaveProperty(gone);
      expect(s3).toHaveReceivedCommandWith(DeleteObjectsCommand, { Bucket: 'media-bucket', Delete: { Objects: OUTPUTS, Quiet: true } });
      expect(sqs).toHaveReceivedCommandExactlyOnceWith(SendMessageCommand, {
        QueueUrl: 'https://sqs.eu-west-1.amazonaws.com/123456789012/invalidations',
        MessageBody: JSON.stringify({ uploadId: 'u1' }),
        DelaySeconds: 60,
      });
      expect(logger.warn).toHaveBeenCalledWith('The transcode job failed', expect.objectContaining({ errorMessage: 'Bad input at s3://media-bucket/secret/key' }));
    });

    it('finds its upload by the token the job carries, even before the job id is recorded', async () => {
      const { id: _id, ...submitting } = JOB;
      const table = fakeUploadsTable(dynamo, [processing({ transcodeJob: submitting })]);

      await expect(applyJobState(state('ERROR', { errorCode: 1030 }), context())).resolves.toBe('failed');

      expect(table.get('u1')).toMatchObject({ status: 'failed', error: { code: 'UNSUPPORTED_MEDIA' } });
    });

    it('fails the upload as TRANSCODE_FAILED when someone else cancelled its job', async () => {
      const table = fakeUploadsTable(dynamo, [processing()]);
      await expect(applyJobState(state('CANCELED'), context())).resolves.toBe('failed');
      expect(table.get('u1')).toMatchObject({
        status: 'failed',
        error: { code: 'TRANSCODE_FAILED', message: 'The transcode job was cancelled before it finished; upload the video again' },
      });
      expect(s3).toHaveReceivedCommandOnce(DeleteObjectsCommand);
    });

    it('a duplicate ERROR on the failed upload only removes what might remain', async () => {
      const table = fakeUploadsTable(dynamo, [processing()]);
      await applyJobState(state('ERROR', { errorCode: 1030 }), context());
      const failed = { ...table.get('u1') };
      await expect(applyJobState(state('ERROR', { errorCode: 1030 }), context())).resolves.toBe('outputsRemoved');
      expect(table.get('u1')).toEqual(failed);
      expect(dynamo).toHaveReceivedCommandTimes(UpdateCommand, 1);
    });
  });

  describe('the job of an upload that stopped processing', () => {
    it.each(['COMPLETE', 'ERROR', 'CANCELED'])('removes every output when %s arrives for a cancelled upload, finishing nothing', async (status) => {
      const table = fakeUploadsTable(dynamo, [processing({ status: 'cancelled', runningJob: undefined, pendingProcessing: undefined })]);
      const ctx = context();
      await expect(applyJobState(state(status), ctx)).resolves.toBe('outputsRemoved');
      expect(ctx.finish).not.toHaveBeenCalled();
      expect(table.get('u1')?.status).toBe('cancelled');
      expect(dynamo).not.toHaveReceivedCommand(UpdateCommand);
      expect(s3).toHaveReceivedCommandWith(ListObjectsV2Command, { Bucket: 'media-bucket', Prefix: 'media/u1/' });
      expect(s3).toHaveReceivedCommandWith(DeleteObjectsCommand, { Bucket: 'media-bucket', Delete: { Objects: OUTPUTS, Quiet: true } });
    });

    it('removes every output when the job of a deleted upload completes', async () => {
      fakeUploadsTable(dynamo, []);
      await expect(applyJobState(state('COMPLETE'), context())).resolves.toBe('outputsRemoved');
      expect(s3).toHaveReceivedCommandWith(ListObjectsV2Command, { Bucket: 'media-bucket', Prefix: 'media/u1/' });
    });

    it('ignores a running report for a cancelled upload: its final event removes what the job wrote', async () => {
      fakeUploadsTable(dynamo, [processing({ status: 'cancelled' })]);
      await expect(applyJobState(state('STATUS_UPDATE', { percentComplete: 50 }), context())).resolves.toBe('ignored');
      expect(s3.calls()).toEqual([]);
      expect(dynamo).not.toHaveReceivedCommand(UpdateCommand);
    });
  });

  describe('a job the record does not name (submitted twice by a run that died before recording the first)', () => {
    const duplicate = (status: string, token: string | null = OTHER_TOKEN) =>
      state(status, { jobId: '1671477700000-dup001', userMetadata: { uploadId: 'u1', stack: STACK_NAME, ...(token === null ? {} : { token }) } });

    it.each<[string, Partial<UploadRecord>]>([
      ['processing', {}],
      ['ready', { status: 'ready', media: MEDIA, runningJob: undefined }],
    ])('removes only its own folder when it ends, on a %s upload, and leaves the record alone', async (_case, overrides) => {
      const table = fakeUploadsTable(dynamo, [processing(overrides)]);
      const before = { ...table.get('u1') };
      s3.on(ListObjectsV2Command).resolves({ Contents: [{ Key: `media/u1/job-${OTHER_TOKEN}/master_00001.ts` }] });
      const ctx = context();

      await expect(applyJobState(duplicate('COMPLETE'), ctx)).resolves.toBe('outputsRemoved');

      expect(ctx.finish).not.toHaveBeenCalled();
      expect(table.get('u1')).toEqual(before);
      expect(s3).toHaveReceivedCommandExactlyOnceWith(ListObjectsV2Command, { Bucket: 'media-bucket', Prefix: `media/u1/job-${OTHER_TOKEN}/` });
      expect(s3).toHaveReceivedCommandExactlyOnceWith(DeleteObjectsCommand, {
        Bucket: 'media-bucket',
        Delete: { Objects: [{ Key: `media/u1/job-${OTHER_TOKEN}/master_00001.ts` }], Quiet: true },
      });
    });

    it('ignores its running reports (progress is the recorded job\'s to show)', async () => {
      const table = fakeUploadsTable(dynamo, [processing({ progress: 10 })]);
      await expect(applyJobState(duplicate('STATUS_UPDATE'), context())).resolves.toBe('ignored');
      expect(table.get('u1')?.progress).toBe(10);
      expect(s3.calls()).toEqual([]);
    });

    it.each([
      ['no token', null],
      ['a token that is no folder name', '../../other-upload'],
    ])('removes nothing when it carries %s', async (_case, token) => {
      fakeUploadsTable(dynamo, [processing()]);
      await expect(applyJobState(duplicate('ERROR', token), context())).resolves.toBe('ignored');
      expect(s3.calls()).toEqual([]);
    });
  });
});
