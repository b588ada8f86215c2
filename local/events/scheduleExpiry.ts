import { randomUUID } from 'node:crypto';
import type { ScheduledEvent } from 'aws-lambda';
import { LOCAL_REGION } from '../localDefaults.js';
import type { LocalLog } from '../localLog.js';
import { NO_HANDLER } from '../invokeFunction.js';

export type ScheduledInvoker = (event: ScheduledEvent) => Promise<unknown>;

export interface ExpiryScheduleOptions {
  /** 0 runs the job only when asked (`runNow`). */
  readonly intervalMs: number;
  /** Answers NO_HANDLER while the function's module does not exist. */
  readonly invoke: ScheduledInvoker;
  readonly log: LocalLog;
}

export interface ExpirySchedule {
  /** Runs the job now, or joins the run already going (runs never overlap, like a rule with one target). */
  runNow(): Promise<void>;
  /** Stops the timer and waits for a run in progress. */
  stop(): Promise<void>;
}

/** Invokes the expiry function on an interval with the event an EventBridge schedule sends. */
export function scheduleExpiry({ intervalMs, invoke, log }: ExpiryScheduleOptions): ExpirySchedule {
  let running: Promise<void> | undefined;
  let warnedMissing = false;

  const runNow = (): Promise<void> => {
    running ??= invoke(scheduledEvent())
      .then((result) => {
        if (result === NO_HANDLER && !warnedMissing) {
          warnedMissing = true;
          log.warn('the expiry job has no handler yet (lambdas/expire-uploads/handler.ts does not exist); initiated uploads will not expire');
        }
      })
      .catch((error: unknown) => log.error('the expiry job failed', error))
      .finally(() => {
        running = undefined;
      });
    return running;
  };

  const timer = intervalMs > 0 ? setInterval(() => void runNow(), intervalMs) : undefined;
  return {
    runNow,
    stop: async () => {
      clearInterval(timer);
      await running;
    },
  };
}

function scheduledEvent(): ScheduledEvent {
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': 'Scheduled Event',
    source: 'aws.events',
    account: '000000000000',
    time: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
    region: LOCAL_REGION,
    resources: [`arn:aws:events:${LOCAL_REGION}:000000000000:rule/media-pipeline-local-expire-uploads`],
    detail: {},
  };
}
