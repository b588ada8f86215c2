import { randomUUID } from 'node:crypto';
import type { ScheduledEvent } from 'aws-lambda';
import { LOCAL_REGION } from '../localDefaults.js';
import type { LocalLog } from '../localLog.js';
import { NO_HANDLER } from '../invokeFunction.js';

export type ScheduledInvoker = (event: ScheduledEvent) => Promise<unknown>;

/** A scheduled job, as its messages name it. */
export interface ScheduledJob {
  /** How messages call it, e.g. `the expiry job`. */
  readonly name: string;
  /** Folder under `lambdas/` of its function. */
  readonly handler: string;
  /** What goes undone while the function does not exist, e.g. `initiated uploads will not expire`. */
  readonly whenMissing: string;
}

export interface JobScheduleOptions {
  readonly job: ScheduledJob;
  /** 0 runs the job only when asked (`runNow`). */
  readonly intervalMs: number;
  /** Answers NO_HANDLER while the function's module does not exist. */
  readonly invoke: ScheduledInvoker;
  readonly log: LocalLog;
}

export interface JobSchedule {
  /**
   * Runs the job now, or joins the run already going (runs never overlap, like a rule with one
   * target). `at` is the tick's time the event carries (its `time`, whole seconds) for a job
   * that applies rules as of the tick: tests inject a time this way (a run already going keeps
   * its own). @default - now
   */
  runNow(at?: Date): Promise<void>;
  /** Stops the timer and waits for a run in progress. */
  stop(): Promise<void>;
}

/** Invokes a scheduled function on an interval with the event an EventBridge schedule sends. */
export function scheduleJob({ job, intervalMs, invoke, log }: JobScheduleOptions): JobSchedule {
  let running: Promise<void> | undefined;
  let warnedMissing = false;

  const runNow = (at?: Date): Promise<void> => {
    running ??= invoke(scheduledEvent(job, at))
      .then((result) => {
        if (result === NO_HANDLER && !warnedMissing) {
          warnedMissing = true;
          log.warn(`${job.name} has no handler yet (lambdas/${job.handler}/handler.ts does not exist); ${job.whenMissing}`);
        }
      })
      .catch((error: unknown) => log.error(`${job.name} failed`, error))
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

function scheduledEvent(job: ScheduledJob, at: Date = new Date()): ScheduledEvent {
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': 'Scheduled Event',
    source: 'aws.events',
    account: '000000000000',
    time: at.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    region: LOCAL_REGION,
    resources: [`arn:aws:events:${LOCAL_REGION}:000000000000:rule/media-pipeline-local-${job.handler}`],
    detail: {},
  };
}
