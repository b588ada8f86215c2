import { randomUUID } from 'node:crypto';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { NO_HANDLER } from '../invokeFunction.js';
import { type QueuedMessage, type SqsQueue, toSqsEvent } from './toSqsEvent.js';

/** Invokes the function with one batch. */
export type SqsInvoker = (event: SQSEvent) => Promise<SQSBatchResponse | undefined | void | typeof NO_HANDLER>;

export type DeliveryOutcome = 'delivered' | 'retrying' | 'dead-lettered' | 'no-handler';

/** What became of one message after one receive. */
export interface DeliveryReport {
  readonly messageId: string;
  /** The batch event the function was (or, with `no-handler`, would have been) invoked with. */
  readonly event: SQSEvent;
  readonly receiveCount: number;
  readonly outcome: DeliveryOutcome;
  readonly error?: string;
}

/** A message not yet delivered, in the form `restore` takes back after a restart. */
export interface PendingMessage {
  readonly messageId: string;
  readonly body: string;
  readonly sentTimestamp: number;
  readonly receiveCount: number;
}

export interface SqsEventDeliveryOptions {
  readonly queue: SqsQueue;
  readonly invoke: SqsInvoker;
  /** Receives before a message goes to the dead-letter queue. @default 3 */
  readonly maxReceiveCount?: number;
  /**
   * Where a message goes after its last failed receive, like a redrive policy's target: it
   * keeps its id, body and sent time, and starts over at receive count 0.
   * @default - none: the message is dropped
   */
  readonly deadLetterQueue?: SqsEventDelivery;
  /** Wait before receive `n + 1` after receive `n` failed. @default 1 s, doubling */
  readonly retryDelayMs?: (receiveCount: number) => number;
  /** @default 10 */
  readonly batchSize?: number;
  /** Batches in flight at once. @default 2 */
  readonly concurrency?: number;
  readonly onReport?: (report: DeliveryReport) => void;
}

interface Entry {
  message: QueuedMessage;
  visibleAt: number;
  inFlight: boolean;
  /** Set by `changeVisibility` while in flight: the wait before the next receive, instead of `retryDelayMs`. */
  visibilityTimeoutMs?: number;
}

/**
 * An in-memory stand-in for SQS feeding a Lambda: messages are delivered in batches apart
 * from the sender (never blocking it), a failed batch or the items a function lists in
 * `batchItemFailures` come back after a backoff with a higher receive count, and a message
 * that fails `maxReceiveCount` times is dead-lettered: moved to `deadLetterQueue` (another
 * instance, feeding its own function), or dropped. Like SQS, delivery is at least once.
 */
export class SqsEventDelivery {
  private readonly entries = new Map<string, Entry>();
  private readonly idleWaiters: (() => void)[] = [];
  private readonly maxReceiveCount: number;
  private readonly retryDelayMs: (receiveCount: number) => number;
  private readonly batchSize: number;
  private readonly concurrency: number;
  private batchesInFlight = 0;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(private readonly options: SqsEventDeliveryOptions) {
    this.maxReceiveCount = options.maxReceiveCount ?? 3;
    this.retryDelayMs = options.retryDelayMs ?? ((receiveCount) => 1000 * 2 ** (receiveCount - 1));
    this.batchSize = options.batchSize ?? 10;
    this.concurrency = options.concurrency ?? 2;
  }

  /** Queues a message body and returns its id; delivery starts on a later tick. */
  send(body: string): string {
    const messageId = randomUUID();
    this.restore([{ messageId, body, sentTimestamp: Date.now(), receiveCount: 0 }]);
    return messageId;
  }

  /** Queues messages kept from an earlier run. */
  restore(messages: readonly PendingMessage[]): void {
    if (this.stopped) throw new Error('The event queue is stopped');
    for (const message of messages) {
      this.entries.set(message.messageId, { message: { ...message, firstReceiveTimestamp: 0 }, visibleAt: 0, inFlight: false });
    }
    setImmediate(() => this.pump());
  }

  /**
   * SQS's ChangeMessageVisibility of a message in flight, by the receipt handle its batch
   * carried: if the function reports it failed, it comes back after `seconds` instead of the
   * queue's retry delay. False when no message in flight has that handle (SQS's
   * ReceiptHandleIsInvalid, or a handle of an earlier receive).
   */
  changeVisibility(receiptHandle: string, seconds: number): boolean {
    const [messageId, receiveCount] = Buffer.from(receiptHandle, 'base64').toString('utf8').split(':');
    const entry = messageId === undefined ? undefined : this.entries.get(messageId);
    if (!entry?.inFlight || String(entry.message.receiveCount) !== receiveCount) return false;
    entry.visibilityTimeoutMs = seconds * 1000;
    return true;
  }

  /** Messages a receive would get now: SQS's ApproximateNumberOfMessages (not those in flight or waiting out a retry delay). */
  visibleCount(): number {
    const now = Date.now();
    return [...this.entries.values()].filter((entry) => !entry.inFlight && entry.visibleAt <= now).length;
  }

  /** Resolves once every queued message is delivered, dead-lettered or dropped for want of a handler. */
  idle(): Promise<void> {
    if (this.entries.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /**
   * Stops receiving, waits up to `graceMs` for batches in flight, and returns what is still
   * undelivered (including messages whose batch did not finish in time: they will be
   * received again, as SQS would after the visibility timeout).
   */
  async stop(graceMs: number): Promise<PendingMessage[]> {
    this.stopped = true;
    clearTimeout(this.timer);
    const deadline = Date.now() + graceMs;
    while (this.batchesInFlight > 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return [...this.entries.values()].map(({ message }) => ({
      messageId: message.messageId,
      body: message.body,
      sentTimestamp: message.sentTimestamp,
      receiveCount: message.receiveCount,
    }));
  }

  private pump(): void {
    if (this.stopped) return;
    clearTimeout(this.timer);
    this.timer = undefined;
    while (this.batchesInFlight < this.concurrency) {
      const now = Date.now();
      const batch = [...this.entries.values()].filter((entry) => !entry.inFlight && entry.visibleAt <= now).slice(0, this.batchSize);
      if (batch.length === 0) break;
      void this.deliver(batch);
    }
    const waiting = [...this.entries.values()].filter((entry) => !entry.inFlight);
    if (waiting.length > 0 && this.batchesInFlight < this.concurrency) {
      const next = Math.min(...waiting.map((entry) => entry.visibleAt));
      this.timer = setTimeout(() => this.pump(), Math.max(0, next - Date.now()));
    }
  }

  private async deliver(batch: Entry[]): Promise<void> {
    this.batchesInFlight += 1;
    const now = Date.now();
    for (const entry of batch) {
      entry.inFlight = true;
      const { message } = entry;
      entry.message = { ...message, receiveCount: message.receiveCount + 1, firstReceiveTimestamp: message.firstReceiveTimestamp || now };
    }
    const event = toSqsEvent(
      batch.map((entry) => entry.message),
      this.options.queue,
    );
    const { failed, error } = await this.invoke(event);
    this.batchesInFlight -= 1;
    this.settle(
      batch,
      event,
      (entry) => {
        if (failed === NO_HANDLER) return 'no-handler';
        if (!failed.has(entry.message.messageId)) return 'delivered';
        return entry.message.receiveCount >= this.maxReceiveCount ? 'dead-lettered' : 'retrying';
      },
      error,
    );
  }

  /** The ids of the messages that failed (all of them when the function threw). */
  private async invoke(event: SQSEvent): Promise<{ failed: Set<string> | typeof NO_HANDLER; error?: string }> {
    const ids = new Set(event.Records.map((record) => record.messageId));
    try {
      const response = await this.options.invoke(event);
      if (response === NO_HANDLER) return { failed: NO_HANDLER };
      const listed = response?.batchItemFailures?.map((failure) => failure.itemIdentifier) ?? [];
      // Lambda fails the whole batch when the response names an item that is not in it.
      const failed = listed.every((id) => ids.has(id)) ? new Set(listed) : ids;
      return failed.size > 0 ? { failed, error: `the function reported ${failed.size} failed item(s)` } : { failed };
    } catch (thrown) {
      return { failed: ids, error: thrown instanceof Error ? thrown.message : String(thrown) };
    }
  }

  private settle(batch: Entry[], event: SQSEvent, outcomeOf: (entry: Entry) => DeliveryOutcome, error?: string): void {
    for (const entry of batch) {
      const outcome = outcomeOf(entry);
      if (outcome === 'retrying') {
        entry.inFlight = false;
        entry.visibleAt = Date.now() + (entry.visibilityTimeoutMs ?? this.retryDelayMs(entry.message.receiveCount));
        entry.visibilityTimeoutMs = undefined;
      } else {
        this.entries.delete(entry.message.messageId);
      }
      if (outcome === 'dead-lettered') this.moveToDeadLetterQueue(entry.message);
      const report: DeliveryReport = {
        messageId: entry.message.messageId,
        event,
        receiveCount: entry.message.receiveCount,
        outcome,
        ...(outcome === 'retrying' || outcome === 'dead-lettered' ? { error } : {}),
      };
      this.options.onReport?.(report);
    }
    if (this.entries.size === 0) this.idleWaiters.splice(0).forEach((resolve) => resolve());
    this.pump();
  }

  private moveToDeadLetterQueue(message: QueuedMessage): void {
    const target = this.options.deadLetterQueue;
    // Once the target is stopped, this batch outlived stop()'s grace: stop() already returned
    // the message as undelivered, so the next start receives it again.
    if (!target || target.stopped) return;
    target.restore([{ messageId: message.messageId, body: message.body, sentTimestamp: message.sentTimestamp, receiveCount: 0 }]);
  }
}
