import { BadRequestException, CancelJobCommand, ConflictException, CreateJobCommand, GetJobCommand, type Job, MediaConvertClient } from '@aws-sdk/client-mediaconvert';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { runCheckJob } from '../../../../scripts/aws/runCheckJob.js';

const mediaConvert = mockClient(MediaConvertClient);
const INPUT = { Role: 'arn:aws:iam::123456789012:role/r', Settings: { Inputs: [] } };
const SETTINGS = { TimecodeConfig: { Source: 'ZEROBASED' as const } };

/** A clock that moves only when the runner sleeps, so polling is bounded without waiting. */
function fakeClock() {
  let now = Date.parse('2026-11-27T12:00:00Z');
  return { now: () => now, sleep: async (ms: number) => void (now += ms) };
}

function job(Status: Job['Status'], more: Partial<Job> = {}): { Job: Job } {
  return { Job: { Id: 'job-1', Role: 'r', Settings: SETTINGS, Status, ...more } };
}

describe('runCheckJob', () => {
  beforeEach(() => mediaConvert.reset());

  it('submits the job and records every GetJob answer until it ends, the settings once', async () => {
    mediaConvert.on(CreateJobCommand).resolves(job('SUBMITTED'));
    mediaConvert
      .on(GetJobCommand)
      .resolvesOnce(job('SUBMITTED'))
      .resolvesOnce(job('PROGRESSING', { JobPercentComplete: 40 }))
      .resolves(job('COMPLETE', { OutputGroupDetails: [{ OutputDetails: [{ DurationInMs: 8000 }] }] }));

    const run = await runCheckJob(new MediaConvertClient({}), INPUT, { pollIntervalMs: 5000, timeoutMs: 60_000, ...fakeClock() });

    expect(mediaConvert).toHaveReceivedCommandWith(CreateJobCommand, INPUT);
    expect(mediaConvert).toHaveReceivedCommandTimes(GetJobCommand, 3);
    expect(mediaConvert).not.toHaveReceivedCommand(CancelJobCommand);
    expect(run).toMatchObject({ jobId: 'job-1', finalStatus: 'COMPLETE', settingsAsEchoed: SETTINGS, create: { ok: true } });
    expect(run.snapshots.map((snapshot) => [snapshot.at, snapshot.Status, snapshot.JobPercentComplete])).toEqual([
      ['2026-11-27T12:00:00.000Z', 'SUBMITTED', undefined],
      ['2026-11-27T12:00:05.000Z', 'PROGRESSING', 40],
      ['2026-11-27T12:00:10.000Z', 'COMPLETE', undefined],
    ]);
    expect(run.snapshots.every((snapshot) => !('Settings' in snapshot))).toBe(true);
  });

  it("records an ERROR job's code and message", async () => {
    mediaConvert.on(CreateJobCommand).resolves(job('SUBMITTED'));
    mediaConvert.on(GetJobCommand).resolves(job('ERROR', { ErrorCode: 1021, ErrorMessage: 'no audio' }));

    const run = await runCheckJob(new MediaConvertClient({}), INPUT, { pollIntervalMs: 5000, timeoutMs: 60_000, ...fakeClock() });

    expect(run).toMatchObject({ finalStatus: 'ERROR', errorCode: 1021, errorMessage: 'no audio' });
  });

  it("records a refused CreateJob's error and follows nothing", async () => {
    mediaConvert.on(CreateJobCommand).rejects(new BadRequestException({ message: '/outputGroups/0: bad', $metadata: { httpStatusCode: 400 } }));

    const run = await runCheckJob(new MediaConvertClient({}), INPUT, { pollIntervalMs: 5000, timeoutMs: 60_000, ...fakeClock() });

    expect(run).toMatchObject({ finalStatus: 'NOT_CREATED', jobId: undefined, snapshots: [] });
    expect(run.create).toMatchObject({ ok: false, name: 'BadRequestException', httpStatusCode: 400, message: '/outputGroups/0: bad' });
    expect(mediaConvert).not.toHaveReceivedCommand(GetJobCommand);
  });

  it('cancels the cancel probe once seen PROGRESSING, then again once ended, recording both answers', async () => {
    mediaConvert.on(CreateJobCommand).resolves(job('SUBMITTED'));
    mediaConvert.on(GetJobCommand).resolvesOnce(job('SUBMITTED')).resolvesOnce(job('PROGRESSING')).resolves(job('CANCELED'));
    mediaConvert
      .on(CancelJobCommand)
      .resolvesOnce({})
      .rejects(new ConflictException({ message: 'The job is already CANCELED', $metadata: { httpStatusCode: 409 } }));

    const run = await runCheckJob(new MediaConvertClient({}), INPUT, { pollIntervalMs: 5000, timeoutMs: 60_000, cancelWhenProgressing: true, ...fakeClock() });

    expect(mediaConvert).toHaveReceivedCommandTimes(CancelJobCommand, 2);
    expect(mediaConvert).toHaveReceivedCommandWith(CancelJobCommand, { Id: 'job-1' });
    expect(run.finalStatus).toBe('CANCELED');
    expect(run.cancelWhileProgressing).toEqual({ ok: true, at: '2026-11-27T12:00:05.000Z' });
    expect(run.cancelAfterEnd).toMatchObject({ ok: false, name: 'ConflictException', httpStatusCode: 409, message: 'The job is already CANCELED' });
  });

  it('gives up at the time limit, cancels the job (best effort) and reports TIMED_OUT', async () => {
    mediaConvert.on(CreateJobCommand).resolves(job('SUBMITTED'));
    mediaConvert.on(GetJobCommand).resolves(job('PROGRESSING'));
    mediaConvert.on(CancelJobCommand).resolves({});

    const run = await runCheckJob(new MediaConvertClient({}), INPUT, { pollIntervalMs: 5000, timeoutMs: 20_000, ...fakeClock() });

    expect(run.finalStatus).toBe('TIMED_OUT');
    expect(mediaConvert).toHaveReceivedCommandTimes(GetJobCommand, 4);
    expect(mediaConvert).toHaveReceivedCommandTimes(CancelJobCommand, 1);
    expect(run.cancelAfterEnd).toBeUndefined();
  });
});
