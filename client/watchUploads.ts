import type { UploadEvent } from './protocol.js';
import { WatchError } from './errors.js';
import { isFinalStatus } from './isFinalStatus.js';
import type { ConnectionDown, ProgressSocket } from './ProgressSocket.js';

export interface WatchOptions {
  /** Ends the iteration (without an error) and lets the connection close if nothing else uses it. */
  readonly signal?: AbortSignal;
  /** Called each time the connection drops or cannot be made, before the wait for the next attempt. */
  readonly onDisconnect?: (down: ConnectionDown) => void;
  /**
   * Failed connection attempts in a row after which the iteration throws WatchError
   * `CONNECT_FAILED`. @default Infinity: keep trying (the wait grows to `reconnectDelay.maxMs`)
   */
  readonly connectAttempts?: number;
}

/**
 * The events of one upload, or of all the caller's uploads, as an async iterator. Each upload's
 * events arrive with a growing `seq`: anything at or below the last one seen (a repeat after a
 * reconnect or during renewal) is dropped, so the state never moves backwards. Watching one
 * upload ends after the event that puts it in a final state (`ready`, `failed`, `cancelled`,
 * `expired`); watching all of them ends only when the signal aborts or the loop breaks.
 */
export async function* watchUploads(
  socket: ProgressSocket | undefined,
  uploadId: string | undefined,
  options: WatchOptions = {},
): AsyncGenerator<UploadEvent, void, undefined> {
  const { signal } = options;
  if (signal?.aborted) return;
  if (!socket) {
    throw new WatchError(
      'NO_WEBSOCKET',
      'No WebSocket implementation: this runtime has no global WebSocket; pass createClient({ webSocket }) (in Node, use client/node, which passes ws)',
      uploadId === undefined ? {} : { uploadId },
    );
  }
  const inbox = new Inbox<UploadEvent>();
  const lastSeq = new Map<string, number>();
  const connectAttempts = options.connectAttempts ?? Number.POSITIVE_INFINITY;
  const onAbort = () => inbox.end();
  signal?.addEventListener('abort', onAbort, { once: true });
  const unsubscribe = socket.subscribe({
    uploadId,
    onEvent: (event) => {
      const last = lastSeq.get(event.uploadId);
      if (last !== undefined && event.seq <= last) return;
      lastSeq.set(event.uploadId, event.seq);
      inbox.push(event);
    },
    onRefused: (error) => inbox.fail(error),
    onFatal: (error) => inbox.fail(error),
    onDown: (down) => {
      options.onDisconnect?.(down);
      if (down.attempt >= connectAttempts) {
        inbox.fail(
          new WatchError('CONNECT_FAILED', `The progress connection failed ${down.attempt} times in a row`, uploadId === undefined ? {} : { uploadId }, {
            cause: down.cause,
          }),
        );
      }
    },
  });
  try {
    for (;;) {
      const item = await inbox.next();
      if (item.done) return;
      yield item.value;
      if (uploadId !== undefined && isFinalStatus(item.value.status)) return;
    }
  } finally {
    signal?.removeEventListener('abort', onAbort);
    unsubscribe();
  }
}

/** A queue between callbacks and an async loop: values wait for the reader, the reader waits for values. */
class Inbox<T> {
  private readonly values: T[] = [];
  private waiting: { resolve: (result: IteratorResult<T, undefined>) => void; reject: (error: unknown) => void } | undefined;
  private outcome: { readonly error: unknown } | 'ended' | undefined;

  push(value: T): void {
    if (this.outcome) return;
    if (this.waiting) this.take().resolve({ value, done: false });
    else this.values.push(value);
  }

  /** Values already queued are still read; then the reader gets the error. */
  fail(error: unknown): void {
    this.settle({ error });
  }

  /** Stops at once: the reader gets `done`, queued values are dropped. */
  end(): void {
    this.values.length = 0;
    this.settle('ended');
  }

  next(): Promise<IteratorResult<T, undefined>> {
    if (this.values.length > 0) return Promise.resolve({ value: this.values.shift() as T, done: false });
    if (this.outcome === 'ended') return Promise.resolve({ value: undefined, done: true });
    if (this.outcome) return Promise.reject(this.outcome.error);
    return new Promise((resolve, reject) => {
      this.waiting = { resolve, reject };
    });
  }

  private settle(outcome: NonNullable<Inbox<T>['outcome']>): void {
    if (this.outcome) return;
    this.outcome = outcome;
    if (!this.waiting) return;
    const waiting = this.take();
    if (outcome === 'ended') waiting.resolve({ value: undefined, done: true });
    else waiting.reject(outcome.error);
  }

  private take() {
    const waiting = this.waiting as NonNullable<Inbox<T>['waiting']>;
    this.waiting = undefined;
    return waiting;
  }
}
