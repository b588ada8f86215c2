import type { LocalLog } from '../localLog.js';
import type { JobStateChangeEvent } from './jobStateChangeEvent.js';

export type DeliverJobEvent = (event: JobStateChangeEvent) => Promise<void>;

/**
 * Hands job events to the target as EventBridge → Lambda (asynchronous invocation) would: a
 * failed delivery is tried again after each of `retryDelaysMs` (Lambda retries an async
 * invocation twice), then given up and logged, as an event without a DLQ is lost on AWS.
 * Unlike AWS, one job's events arrive in the order they happened (each waits for the one
 * before): AWS promises no order, so the status handler's tests of out-of-order events stay
 * the handler's unit tests, and local runs stay reproducible.
 */
export class JobEventDelivery {
  private readonly chains = new Map<string, Promise<void>>();

  constructor(
    private readonly deliver: DeliverJobEvent,
    private readonly log: LocalLog,
    private readonly retryDelaysMs: readonly number[],
  ) {}

  send(event: JobStateChangeEvent): void {
    const jobId = event.detail.jobId;
    const previous = this.chains.get(jobId) ?? Promise.resolve();
    const next = previous.then(() => this.attempt(event));
    this.chains.set(jobId, next);
    void next.then(() => {
      if (this.chains.get(jobId) === next) this.chains.delete(jobId);
    });
  }

  /** Resolves when every event sent so far has been delivered or given up. */
  async idle(): Promise<void> {
    while (this.chains.size > 0) await Promise.all([...this.chains.values()]);
  }

  private async attempt(event: JobStateChangeEvent): Promise<void> {
    for (let attempt = 0; ; attempt += 1) {
      try {
        await this.deliver(event);
        return;
      } catch (error) {
        const delay = this.retryDelaysMs[attempt];
        const what = `MediaConvert ${event.detail.status} event of job ${event.detail.jobId}`;
        if (delay === undefined) {
          this.log.error(`${what} was not delivered after ${attempt + 1} attempts; dropped`, error);
          return;
        }
        this.log.warn(`${what} failed (${error instanceof Error ? error.message : String(error)}); retrying in ${delay} ms`);
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  }
}
