import type { ScheduledEvent } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { scheduleJob } from '../../../../local/events/scheduleJob.js';
import { NO_HANDLER } from '../../../../local/invokeFunction.js';
import type { LocalLog } from '../../../../local/localLog.js';

function recordingLog(): LocalLog & { lines: string[] } {
  const lines: string[] = [];
  return { lines, info: (m) => lines.push(`info ${m}`), warn: (m) => lines.push(`warn ${m}`), error: (m) => lines.push(`error ${m}`) };
}

const job = { name: 'the expiry job', handler: 'expire-uploads', whenMissing: 'initiated uploads will not expire' };

beforeEach(() => {
  vi.useFakeTimers();
});

afterEach(() => {
  vi.useRealTimers();
});

describe('scheduleJob', () => {
  it('invokes the job on every interval with an EventBridge scheduled event', async () => {
    const invoke = vi.fn(async (_event: ScheduledEvent) => ({ expired: 0 }));
    const schedule = scheduleJob({ job, intervalMs: 1000, invoke, log: recordingLog() });

    await vi.advanceTimersByTimeAsync(3000);

    expect(invoke).toHaveBeenCalledTimes(3);
    expect(invoke.mock.calls[0]![0]).toMatchObject({
      'detail-type': 'Scheduled Event',
      source: 'aws.events',
      resources: ['arn:aws:events:us-east-1:000000000000:rule/media-pipeline-local-expire-uploads'],
      detail: {},
    });
    await schedule.stop();
    await vi.advanceTimersByTimeAsync(3000);
    expect(invoke).toHaveBeenCalledTimes(3);
  });

  it('never overlaps runs: a tick during a run joins it', async () => {
    let finish: () => void = () => undefined;
    const invoke = vi
      .fn<() => Promise<void>>()
      .mockImplementationOnce(() => new Promise<void>((resolve) => (finish = resolve)))
      .mockResolvedValue(undefined);
    const schedule = scheduleJob({ job, intervalMs: 1000, invoke, log: recordingLog() });

    await vi.advanceTimersByTimeAsync(2500);
    expect(invoke).toHaveBeenCalledTimes(1);

    const stopped = schedule.stop();
    finish();
    await stopped;
    await expect(schedule.runNow()).resolves.toBeUndefined();
    expect(invoke).toHaveBeenCalledTimes(2);
  });

  it("sends the tick's time in the event, now or the time a run is asked for, in whole seconds", async () => {
    vi.setSystemTime(new Date('2025-03-01T12:00:00.750Z'));
    const invoke = vi.fn(async (_event: ScheduledEvent) => undefined);
    const schedule = scheduleJob({ job, intervalMs: 0, invoke, log: recordingLog() });

    await schedule.runNow();
    await schedule.runNow(new Date('2025-04-01T00:00:09.999Z'));

    expect(invoke.mock.calls.map(([event]) => event.time)).toEqual(['2025-03-01T12:00:00Z', '2025-04-01T00:00:09Z']);
  });

  it('runs only when asked with an interval of 0', async () => {
    const invoke = vi.fn(async () => undefined);
    const schedule = scheduleJob({ job, intervalMs: 0, invoke, log: recordingLog() });
    await vi.advanceTimersByTimeAsync(60_000);
    expect(invoke).not.toHaveBeenCalled();
    await schedule.runNow();
    expect(invoke).toHaveBeenCalledTimes(1);
  });

  it('warns once while the function does not exist, and logs a failed run without stopping the timer', async () => {
    const log = recordingLog();
    const invoke = vi
      .fn<(event: ScheduledEvent) => Promise<unknown>>()
      .mockResolvedValueOnce(NO_HANDLER)
      .mockResolvedValueOnce(NO_HANDLER)
      .mockRejectedValueOnce(new Error('DynamoDB is down'))
      .mockResolvedValue({ expired: 1 });
    const schedule = scheduleJob({ job, intervalMs: 1000, invoke, log });

    await vi.advanceTimersByTimeAsync(4000);
    await schedule.stop();

    expect(invoke).toHaveBeenCalledTimes(4);
    expect(log.lines).toEqual([
      'warn the expiry job has no handler yet (lambdas/expire-uploads/handler.ts does not exist); initiated uploads will not expire',
      'error the expiry job failed',
    ]);
  });
});
