import type { Job } from '@aws-sdk/client-mediaconvert';
import { describe, expect, it } from 'vitest';
import { FINAL_JOB_STATUSES, jobStateFromEvent, jobStateFromGetJob } from '../../../../../lambdas/process-upload/mediaconvert/jobState.js';

// The examples of the MediaConvert User Guide, verbatim
// (https://docs.aws.amazon.com/mediaconvert/latest/ug/ev_status_status_update.html, ev_status_error.html, ev_status_canceled.html).
const STATUS_UPDATE_EXAMPLE = `{
    "version": "0",
    "id": "1234abcd-12ab-34cd-56ef-1234567890ab",
    "detail-type": "MediaConvert Job State Change",
    "source": "aws.mediaconvert",
    "account": "111122223333",
    "time": "2022-12-19T19:21:21Z",
    "region": "us-west-2",
    "resources": [
        "arn:aws:mediaconvert:us-west-2:111122223333:jobs/1671477617078-2886ye"
    ],
    "detail": {
        "timestamp": 1671477681737,
        "accountId": "111122223333",
        "queue": "arn:aws:mediaconvert:us-west-2:111122223333:queues/Default",
        "jobId": "1671477617078-2886ye",
        "status": "STATUS_UPDATE",
        "userMetadata": {},
        "framesDecoded": 353,
        "jobProgress": {
            "phaseProgress": {
                "PROBING": {
                    "status": "COMPLETE",
                    "percentComplete": 100
                },
                "TRANSCODING": {
                    "status": "PROGRESSING",
                    "percentComplete": 2
                },
                "UPLOADING": {
                    "status": "PENDING",
                    "percentComplete": 0
                }
            },
        "jobPercentComplete": 7,
        "currentPhase": "TRANSCODING",
        "retryCount": 0
        }
    }
}`;

const ERROR_EXAMPLE = `{
    "version": "0",
    "id": "1234abcd-12ab-34cd-56ef-1234567890ab",
    "detail-type": "MediaConvert Job State Change",
    "source": "aws.mediaconvert",
    "account": "111122223333",
    "time": "2018-01-07T23:35:20Z",
    "region": "us-west-2",
    "resources": ["arn:aws:mediaconvert:us-west-2:111122223333:jobs/1515368087458-qnoxtd"],
    "detail": {
        "timestamp": 1515368120764,
        "accountId": "111122223333",
        "queue": "arn:aws:mediaconvert:us-west-2:111122223333:queues/Default",
        "jobId": "1515368087458-qnoxtd",
        "status": "ERROR",
        "errorCode": 1040,
        "errorMessage": "Example error message",
        "userMetadata": {}
    }
}`;

const CANCELED_EXAMPLE = `{
    "version": "0",
    "id": "1234abcd-12ab-34cd-56ef-1234567890ab",
    "detail-type": "MediaConvert Job State Change",
    "source": "aws.mediaconvert",
    "account": "111122223333",
    "time": "2018-01-07T23:35:20Z",
    "region": "us-west-2",
    "resources": ["arn:aws:mediaconvert:us-west-2:111122223333:jobs/1515368087458-qnoxtd"],
    "detail": {
        "timestamp": 1515368120764,
        "accountId": "111122223333",
        "queue": "arn:aws:mediaconvert:us-west-2:111122223333:queues/Default",
        "jobId": "1515368087458-qnoxtd",
        "status": "CANCELED",
        "userMetadata": {}
    }
}`;

const OUR_QUEUE = 'arn:aws:mediaconvert:us-east-1:123456789012:queues/media-pipeline';

/** A job state change of ours, as EventBridge delivers it. */
function event(detail: Record<string, unknown>): Record<string, unknown> {
  return {
    version: '0',
    id: 'e-1',
    'detail-type': 'MediaConvert Job State Change',
    source: 'aws.mediaconvert',
    detail: { jobId: 'job-1', queue: OUR_QUEUE, userMetadata: { uploadId: 'u1', stack: 'media-pipeline-test' }, ...detail },
  };
}

describe('jobStateFromEvent', () => {
  it("reads the documented STATUS_UPDATE example: the job's percent is the one inside jobProgress, not a phase's", () => {
    expect(jobStateFromEvent(JSON.parse(STATUS_UPDATE_EXAMPLE))).toEqual({
      jobId: '1671477617078-2886ye',
      status: 'STATUS_UPDATE',
      queue: 'arn:aws:mediaconvert:us-west-2:111122223333:queues/Default',
      userMetadata: {},
      percentComplete: 7,
    });
  });

  it('reads the documented ERROR example with its code and message', () => {
    expect(jobStateFromEvent(JSON.parse(ERROR_EXAMPLE))).toEqual({
      jobId: '1515368087458-qnoxtd',
      status: 'ERROR',
      queue: 'arn:aws:mediaconvert:us-west-2:111122223333:queues/Default',
      userMetadata: {},
      errorCode: 1040,
      errorMessage: 'Example error message',
    });
  });

  it('reads the documented CANCELED example, with no percent and no error', () => {
    expect(jobStateFromEvent(JSON.parse(CANCELED_EXAMPLE))).toEqual({
      jobId: '1515368087458-qnoxtd',
      status: 'CANCELED',
      queue: 'arn:aws:mediaconvert:us-west-2:111122223333:queues/Default',
      userMetadata: {},
    });
  });

  it('reads a STATUS_UPDATE whose percent MediaConvert cannot tell (null, as its API reference allows) as one without a percent', () => {
    expect(jobStateFromEvent(event({ status: 'STATUS_UPDATE', jobProgress: { jobPercentComplete: null, currentPhase: 'PROBING' } }))).toEqual({
      jobId: 'job-1',
      status: 'STATUS_UPDATE',
      queue: OUR_QUEUE,
      userMetadata: { uploadId: 'u1', stack: 'media-pipeline-test' },
    });
  });

  it('carries the user metadata the job was submitted with', () => {
    expect(jobStateFromEvent(event({ status: 'PROGRESSING', userMetadata: { uploadId: 'u1', stack: 's', token: '0123456789abcdef' } }))).toMatchObject({
      userMetadata: { uploadId: 'u1', stack: 's', token: '0123456789abcdef' },
    });
  });

  it('reads a COMPLETE event that lists output groups (their details are read from S3, not from the event)', () => {
    const state = jobStateFromEvent(
      event({
        status: 'COMPLETE',
        outputGroupDetails: [{ outputDetails: [{ outputFilePaths: ['s3://b/media/u1/job-0123456789abcdef/master_720p.m3u8'], durationInMs: 180041 }], type: 'HLS_GROUP' }],
        warnings: [{ code: 0, count: 1 }],
      }),
    );
    expect(state).toEqual({ jobId: 'job-1', status: 'COMPLETE', queue: OUR_QUEUE, userMetadata: { uploadId: 'u1', stack: 'media-pipeline-test' } });
  });

  it('reads an event without userMetadata as having none', () => {
    const { userMetadata: _none, ...detail } = (event({ status: 'PROGRESSING' }).detail as Record<string, unknown>);
    expect(jobStateFromEvent({ ...event({}), detail })).toMatchObject({ userMetadata: {} });
  });

  it.each([
    ['a scheduled tick', { source: 'aws.events', 'detail-type': 'Scheduled Event', detail: {} }],
    ['another service', { ...event({ status: 'COMPLETE' }), source: 'aws.s3' }],
    ['another MediaConvert detail type', { ...event({ status: 'COMPLETE' }), 'detail-type': 'MediaConvert Queue State Change' }],
    ['an event without a job id', event({ status: 'COMPLETE', jobId: '' })],
    ['an event without a status', event({ status: undefined })],
    ['an error code that is not a number', event({ status: 'ERROR', errorCode: '1040' })],
    ['nothing', undefined],
  ])('answers undefined for %s', (_case, input) => {
    expect(jobStateFromEvent(input)).toBeUndefined();
  });
});

describe('jobStateFromGetJob', () => {
  const job: Job = {
    Id: 'job-1',
    Status: 'PROGRESSING',
    Queue: OUR_QUEUE,
    UserMetadata: { uploadId: 'u1', stack: 'media-pipeline-test' },
    JobPercentComplete: 42,
    CurrentPhase: 'TRANSCODING',
    Role: 'arn:aws:iam::123456789012:role/mc',
    Settings: { Inputs: [] },
  };

  it('maps GetJob\'s job onto the same shape as its events', () => {
    expect(jobStateFromGetJob(job)).toEqual({
      jobId: 'job-1',
      status: 'PROGRESSING',
      queue: OUR_QUEUE,
      userMetadata: { uploadId: 'u1', stack: 'media-pipeline-test' },
      percentComplete: 42,
    });
  });

  it('carries an errored job\'s code and message, and no percent when GetJob gives none', () => {
    const { JobPercentComplete: _none, ...rest } = job;
    expect(jobStateFromGetJob({ ...rest, Status: 'ERROR', ErrorCode: 1030, ErrorMessage: 'Unsupported codec' })).toEqual({
      jobId: 'job-1',
      status: 'ERROR',
      queue: OUR_QUEUE,
      userMetadata: { uploadId: 'u1', stack: 'media-pipeline-test' },
      errorCode: 1030,
      errorMessage: 'Unsupported codec',
    });
  });

  it('reads a job without user metadata as having none (a job some other tool submitted)', () => {
    const { UserMetadata: _none, ...rest } = job;
    expect(jobStateFromGetJob(rest).userMetadata).toEqual({});
  });

  it.each([
    ['an Id', { ...job, Id: undefined }],
    ['a Status', { ...job, Status: undefined }],
  ])('refuses an answer without %s', (_case, answer) => {
    expect(() => jobStateFromGetJob(answer)).toThrow(new TypeError('GetJob answered without an Id or a Status'));
  });
});

describe('FINAL_JOB_STATUSES', () => {
  it('are the statuses a job never leaves: COMPLETE, ERROR and CANCELED', () => {
    expect([...FINAL_JOB_STATUSES].sort()).toEqual(['CANCELED', 'COMPLETE', 'ERROR']);
  });
});
