import { contentTypeFor } from '../contentTypeFor.js';
import { AbortError, ApiError, NetworkError, QueueStoreError, type QueueStoreOperation, UploadFailedError } from '../errors.js';
import { backoffDelay, isTransient, type RetryDelay } from '../retry.js';
import type { PublicUpload } from '../types.js';
import type { TransferOptions, UploadProgress } from '../uploadOptions.js';
import type { UploadTask } from '../UploadTask.js';
import { defaultOnlineSignal, type OnlineSignal } from './OnlineSignal.js';
import type { OpenedSource, QueueItemError, QueueRecord, QueueStore } from './QueueStore.js';
import type { QueueAddOptions, QueueClient, QueueItem, QueueItemState, UploadQueue, UploadQueueEvent, UploadQueueOptions } from './UploadQueue.js';

export const DEFAULT_QUEUE_RETRY_DELAY: RetryDelay = { baseMs: 2_000, maxMs: 60_000 };
/** With the default delay, the 14 waits between 15 attempts add up to 5 to 10 minutes. */
export const DEFAULT_QUEUE_MAX_ATTEMPTS = 15;

/**
 * An upload queue that survives lost connections, app restarts and page reloads: every file is
 * kept in `store` (with its upload id as soon as the API made one), waits while offline, and
 * resumes from the parts S3 holds. A store that cannot be written costs persistence, never the
 * file: the queue reports `storeError` and uploads from memory.
 */
export function createUploadQueue<S>(options: UploadQueueOptions<S>): UploadQueue<S> {
  return new UploadQueueRunner(options);
}

interface Attempt {
  stopped: boolean;
  task?: UploadTask;
  /** Parts done at the task's first report: those S3 held before it started. */
  partsAtStart?: number;
  /** The attempt got a part into S3: whatever failed after, the way through works. */
  progressed: boolean;
}

interface Entry<S> {
  record: QueueRecord<S>;
  state: QueueItemState;
  persisted: boolean;
  progress?: UploadProgress;
  uploaded?: PublicUpload;
  /** The last failure worth retrying; cleared when an attempt succeeds. */
  waitingOut?: QueueItemError;
  /** Attempts in a row that ended in a failure worth retrying; `maxAttempts` of them fail the item. */
  failuresInARow: number;
  /** The last counted failure got no answer: an offline event after it says why, so it stops counting. */
  lastFailureUnanswered: boolean;
  retryTimer?: ReturnType<typeof setTimeout>;
  /** The attempt under way or still settling: a new one starts only after it ends. */
  attempt?: Attempt;
}

/** Says why the queue stopped an upload; the upload stays resumable. */
const STOPPED = Symbol('stopped by the upload queue');

let lastIdTime = 0;
let idCounter = 0;

/** Sorts in the order made, also across restarts (time first), without needing crypto (React Native). */
function newItemId(): string {
  const now = Date.now();
  idCounter = now === lastIdTime ? idCounter + 1 : 0;
  lastIdTime = now;
  return `${now.toString(36).padStart(9, '0')}-${idCounter.toString(36).padStart(4, '0')}-${Math.random().toString(36).slice(2, 10)}`;
}

function describeError(error: unknown): QueueItemError {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return { name: error.name, ...(typeof code === 'string' ? { code } : {}), message: error.message };
  }
  return { name: 'Error', message: String(error) };
}

/**
 * Worth another try later: no answer, throttling, a server fault, parts that kept failing so, or
 * a complete that found parts missing in S3 (the upload is unchanged: a resume sends them).
 */
function isWorthRetrying(error: unknown): boolean {
  if (isTransient(error)) return true;
  if (error instanceof UploadFailedError) return error.code === 'PART_FAILED';
  return error instanceof ApiError && error.code === 'PARTS_MISSING';
}

/** No HTTP answer came, from the API or from S3 (a part that failed with a status had one). */
function isUnanswered(error: unknown): boolean {
  return error instanceof NetworkError || (error instanceof UploadFailedError && error.code === 'PART_FAILED' && error.status === undefined);
}

class UploadQueueRunner<S> implements UploadQueue<S> {
  readonly restored: Promise<readonly QueueItem[]>;
  private readonly client: QueueClient;
  private readonly store: QueueStore<S>;
  private readonly signal: OnlineSignal;
  private readonly concurrency: number;
  private readonly transfer: Pick<TransferOptions, 'concurrency' | 'retries'>;
  private readonly retryDelay: RetryDelay;
  private readonly maxAttempts: number;
  private readonly entries = new Map<string, Entry<S>>();
  private readonly listeners = new Set<(event: UploadQueueEvent) => void>();
  private readonly idleWaiters: { resolve: () => void; reject: (error: unknown) => void }[] = [];
  private readonly unsubscribeSignal: () => void;
  private isOnline: boolean;
  private loaded = false;
  /** False after a failed load: writing then could overwrite what the store could not read. */
  private storeWritable = true;
  private running = 0;
  private closed = false;
  private writes: Promise<void> = Promise.resolve();

  constructor(options: UploadQueueOptions<S>) {
    const concurrency = options.concurrency ?? 1;
    if (!Number.isInteger(concurrency) || concurrency < 1) {
      throw new RangeError(`concurrency must be a whole number ≥ 1, got ${concurrency}`);
    }
    const maxAttempts = options.maxAttempts ?? DEFAULT_QUEUE_MAX_ATTEMPTS;
    if (maxAttempts !== Number.POSITIVE_INFINITY && !(Number.isInteger(maxAttempts) && maxAttempts >= 1)) {
      throw new RangeError(`maxAttempts must be a whole number ≥ 1 or Infinity, got ${maxAttempts}`);
    }
    this.maxAttempts = maxAttempts;
    this.client = options.client;
    this.store = options.store;
    this.concurrency = concurrency;
    this.transfer = options.transfer ?? {};
    this.retryDelay = options.retryDelay ?? DEFAULT_QUEUE_RETRY_DELAY;
    if (options.onEvent) this.listeners.add(options.onEvent);
    this.signal = options.online ?? defaultOnlineSignal();
    this.isOnline = this.signal.online;
    this.unsubscribeSignal = this.signal.subscribe((online) => this.setOnline(online));
    this.restored = this.restore();
  }

  get online(): boolean {
    return this.isOnline;
  }

  async add(source: S, options: QueueAddOptions = {}): Promise<QueueItem> {
    if (this.closed) throw new AbortError('The upload queue is closed');
    const opened = await this.store.open(source);
    const { size, name, type } = opened.source;
    await opened.close?.();
    const filename = options.filename ?? name;
    if (filename === undefined || filename === '') throw new TypeError('The queue needs a filename: pass options.filename or add a File or a path');
    const contentType = options.contentType || type || contentTypeFor(filename);
    if (!contentType) throw new TypeError(`Cannot tell the content type of "${filename}" from its name; pass options.contentType`);

    await this.restored;
    const record: QueueRecord<S> = {
      id: newItemId(),
      source,
      filename,
      contentType,
      size,
      ...(options.metadata === undefined ? {} : { metadata: options.metadata }),
      ...(options.partSize === undefined ? {} : { partSize: options.partSize }),
      addedAt: new Date().toISOString(),
    };
    const entry: Entry<S> = { record, state: this.isOnline ? 'queued' : 'paused', persisted: false, failuresInARow: 0, lastFailureUnanswered: false };
    this.entries.set(record.id, entry);
    // Kept before it starts, so a reload at any later moment finds it.
    await this.persist(entry, 'put');
    this.emitState(entry);
    this.pump();
    return this.snapshot(entry);
  }

  items(): readonly QueueItem[] {
    return [...this.entries.values()].map((entry) => this.snapshot(entry));
  }

  retry(id: string): void {
    const entry = this.entries.get(id);
    if (!entry || entry.state !== 'failed') return;
    const { error, ...record } = entry.record;
    // An upload that takes no more parts (cancelled elsewhere) cannot be resumed: start over.
    entry.record = error?.code === 'INVALID_STATE' ? withoutUploadId(record) : record;
    entry.failuresInARow = 0;
    entry.lastFailureUnanswered = false;
    entry.state = this.isOnline ? 'queued' : 'paused';
    void this.persist(entry, 'put');
    this.emitState(entry);
    this.pump();
  }

  async remove(id: string): Promise<void> {
    const entry = this.entries.get(id);
    if (!entry) return;
    this.entries.delete(id);
    const task = entry.attempt?.task;
    this.stop(entry);
    await this.persist(entry, 'delete');
    this.emit({ type: 'removed', item: this.snapshot(entry) });
    this.checkIdle();
    const { uploadId } = entry.record;
    if (uploadId === undefined) return;
    await task?.result.catch(() => undefined);
    // Only an unfinished upload is deleted: DELETE on a completed one would remove the file and its outputs.
    const upload = await this.client.getUpload(uploadId).catch(() => undefined);
    if (upload?.status === 'initiated') await this.client.deleteUpload(uploadId).catch(() => undefined);
  }

  subscribe(listener: (event: UploadQueueEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  whenIdle(): Promise<void> {
    if (this.closed) return Promise.reject(new AbortError('The upload queue is closed'));
    return new Promise((resolve, reject) => {
      this.idleWaiters.push({ resolve, reject });
      void this.restored.then(() => this.checkIdle());
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.unsubscribeSignal();
    const settling: Promise<unknown>[] = [];
    for (const entry of this.entries.values()) {
      const task = entry.attempt?.task;
      this.stop(entry);
      if (task) settling.push(task.result.catch(() => undefined));
    }
    for (const waiter of this.idleWaiters.splice(0)) waiter.reject(new AbortError('The upload queue was closed'));
    await Promise.all(settling);
    await this.writes;
  }

  private async restore(): Promise<readonly QueueItem[]> {
    let records: readonly QueueRecord<S>[] = [];
    try {
      records = [...(await this.store.load())].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    } catch (error) {
      this.storeWritable = false;
      this.reportStoreError('load', error);
    }
    for (const record of records) {
      const state = record.error ? 'failed' : this.isOnline ? 'queued' : 'paused';
      const entry: Entry<S> = { record, state, persisted: true, failuresInARow: 0, lastFailureUnanswered: false };
      this.entries.set(record.id, entry);
      this.emitState(entry);
    }
    const restored = records.map((record) => this.snapshot(this.entries.get(record.id) as Entry<S>));
    this.loaded = true;
    this.pump();
    return restored;
  }

  private setOnline(online: boolean): void {
    if (online === this.isOnline || this.closed) return;
    this.isOnline = online;
    this.emit({ type: 'network', online });
    for (const entry of this.entries.values()) {
      if (!online && (entry.state === 'queued' || entry.state === 'uploading')) {
        this.stop(entry);
        // The connection was lost, not the pipeline failing: that attempt does not count.
        if (entry.lastFailureUnanswered) {
          entry.failuresInARow -= 1;
          entry.lastFailureUnanswered = false;
          entry.waitingOut = undefined;
        }
        this.setState(entry, 'paused');
      } else if (online && entry.state === 'paused') {
        this.setState(entry, 'queued');
      }
    }
    this.pump();
  }

  /** Ends the entry's attempt (its upload stays resumable) and any wait before the next one. */
  private stop(entry: Entry<S>): void {
    clearTimeout(entry.retryTimer);
    entry.retryTimer = undefined;
    if (entry.attempt) {
      entry.attempt.stopped = true;
      entry.attempt.task?.abort(STOPPED);
    }
  }

  private pump(): void {
    if (!this.loaded || this.closed || !this.isOnline) return;
    for (const entry of this.entries.values()) {
      if (this.running >= this.concurrency) return;
      if (entry.state === 'queued' && entry.retryTimer === undefined && entry.attempt === undefined) void this.run(entry);
    }
  }

  private async run(entry: Entry<S>): Promise<void> {
    const attempt: Attempt = { stopped: false, progressed: false };
    entry.attempt = attempt;
    this.running += 1;
    this.setState(entry, 'uploading');
    let opened: OpenedSource | undefined;
    try {
      opened = await this.open(entry);
      if (attempt.stopped) return;
      const record = await this.upload(entry, attempt, opened);
      if (attempt.stopped) return;
      this.finish(entry, record);
    } catch (error) {
      if (!attempt.stopped) this.handleFailure(entry, attempt, error);
    } finally {
      await opened?.close?.().catch(() => undefined);
      entry.attempt = undefined;
      this.running -= 1;
      this.pump();
    }
  }

  private async open(entry: Entry<S>): Promise<OpenedSource> {
    const { record } = entry;
    let opened: OpenedSource;
    try {
      opened = await this.store.open(record.source);
    } catch (error) {
      throw new UploadFailedError('SOURCE_UNREADABLE', `${record.filename} could not be opened again: ${describeError(error).message}`, record.uploadId === undefined ? {} : { uploadId: record.uploadId }, { cause: error });
    }
    if (opened.source.size !== record.size) {
      await opened.close?.();
      throw new UploadFailedError('SIZE_MISMATCH', `${record.filename} was ${record.size} bytes when queued and is ${opened.source.size} bytes now`, record.uploadId === undefined ? {} : { uploadId: record.uploadId });
    }
    return opened;
  }

  /** Resumes the item's upload from the parts S3 holds, or starts one; an upload that expired or is gone is started anew. */
  private async upload(entry: Entry<S>, attempt: Attempt, opened: OpenedSource): Promise<PublicUpload> {
    const onProgress = (progress: UploadProgress) => {
      if (attempt.partsAtStart === undefined) attempt.partsAtStart = progress.partsDone;
      else if (progress.partsDone > attempt.partsAtStart) attempt.progressed = true;
      entry.progress = progress;
      this.emit({ type: 'progress', item: this.snapshot(entry) });
    };
    const { uploadId } = entry.record;
    if (uploadId !== undefined) {
      attempt.task = this.client.startResume(uploadId, opened.source, { ...this.transfer, onProgress });
      try {
        return await attempt.task.result;
      } catch (error) {
        if (attempt.stopped) throw error;
        const gone = await this.isGone(uploadId, error);
        // Stopped while asking (offline, removed, closed): no new upload may start behind the queue's back.
        if (attempt.stopped || !gone) throw error;
        entry.record = withoutUploadId(entry.record);
        void this.persist(entry, 'put');
        this.emitState(entry);
      }
    }
    const { filename, contentType, metadata, partSize } = entry.record;
    attempt.partsAtStart = undefined;
    attempt.task = this.client.startUpload(opened.source, {
      ...this.transfer,
      filename,
      contentType,
      ...(metadata === undefined ? {} : { metadata }),
      ...(partSize === undefined ? {} : { partSize }),
      onProgress,
      onCreated: (created) => {
        entry.record = { ...entry.record, uploadId: created.uploadId };
        void this.persist(entry, 'put');
        this.emitState(entry);
      },
    });
    return attempt.task.result;
  }

  /** True when the upload can never take the missing parts: not found, or expired before it was completed. */
  private async isGone(uploadId: string, error: unknown): Promise<boolean> {
    if (error instanceof ApiError) return error.status === 404;
    if (!(error instanceof UploadFailedError) || error.code !== 'INVALID_STATE') return false;
    const upload = await this.client.getUpload(uploadId).catch(() => undefined);
    return upload?.status === 'expired';
  }

  private finish(entry: Entry<S>, record: PublicUpload): void {
    entry.uploaded = record;
    entry.waitingOut = undefined;
    this.entries.delete(entry.record.id);
    // Queued before the state changes, so `whenIdle` also waits for it.
    void this.persist(entry, 'delete');
    this.setState(entry, 'uploaded');
  }

  /**
   * A failure that cannot succeed on retry (a 4xx with its code, a source that changed) fails
   * the item at once; one worth retrying waits `retryDelay` (or what the API asked for) and
   * tries again, until `maxAttempts` of them in a row fail the item with the last one's error.
   */
  private handleFailure(entry: Entry<S>, attempt: Attempt, error: unknown): void {
    if (!isWorthRetrying(error)) {
      entry.lastFailureUnanswered = false;
      this.fail(entry, describeError(error));
      return;
    }
    entry.failuresInARow = attempt.progressed ? 1 : entry.failuresInARow + 1;
    entry.lastFailureUnanswered = isUnanswered(error);
    const failure: QueueItemError = { ...describeError(error), attempts: entry.failuresInARow };
    if (entry.failuresInARow >= this.maxAttempts) {
      this.fail(entry, failure);
      return;
    }
    entry.waitingOut = failure;
    const askedSeconds = error instanceof ApiError ? (error.retryAfterSeconds ?? 0) : 0;
    const wait = Math.max(backoffDelay(entry.failuresInARow - 1, this.retryDelay), askedSeconds * 1000);
    entry.retryTimer = setTimeout(() => {
      entry.retryTimer = undefined;
      this.pump();
    }, wait);
    this.setState(entry, 'queued');
  }

  /** Stops the item for good, kept in the store with its error, until `retry` or `remove`. */
  private fail(entry: Entry<S>, error: QueueItemError): void {
    entry.waitingOut = undefined;
    entry.record = { ...entry.record, error };
    void this.persist(entry, 'put');
    this.setState(entry, 'failed');
  }

  /** Writes one change, after every earlier one: a put never lands after the delete that followed it. */
  private persist(entry: Entry<S>, operation: 'put' | 'delete'): Promise<void> {
    if (!this.storeWritable) return Promise.resolve();
    const record = entry.record;
    const write = this.writes.then(async () => {
      try {
        await (operation === 'put' ? this.store.put(record) : this.store.delete(record.id));
        entry.persisted = true;
      } catch (error) {
        entry.persisted = false;
        this.reportStoreError(operation, error, record.id);
      }
    });
    this.writes = write;
    return write;
  }

  private reportStoreError(operation: QueueStoreOperation, error: unknown, itemId?: string): void {
    const subject = itemId === undefined ? 'its items' : `item ${itemId}`;
    const consequence = operation === 'load' ? 'the queue starts empty and keeps nothing this run' : 'the queue goes on without keeping it';
    this.emit({
      type: 'storeError',
      error: new QueueStoreError(operation, `The upload queue's store could not ${operation} ${subject} (${describeError(error).message}); ${consequence}`, itemId === undefined ? {} : { itemId }, { cause: error }),
    });
  }

  private setState(entry: Entry<S>, state: QueueItemState): void {
    entry.state = state;
    this.emitState(entry);
    this.checkIdle();
  }

  private emitState(entry: Entry<S>): void {
    this.emit({ type: 'state', item: this.snapshot(entry) });
  }

  private emit(event: UploadQueueEvent): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(event);
      } catch (error) {
        // A listener's bug must not stop the queue; it still surfaces as an uncaught error.
        queueMicrotask(() => {
          throw error;
        });
      }
    }
  }

  private checkIdle(): void {
    if (!this.loaded || this.idleWaiters.length === 0) return;
    for (const entry of this.entries.values()) {
      if (entry.state !== 'failed') return;
    }
    // Idle includes the store: what it holds is final too.
    const waiters = this.idleWaiters.splice(0);
    void this.writes.then(() => waiters.forEach((waiter) => waiter.resolve()));
  }

  private snapshot(entry: Entry<S>): QueueItem {
    const { record } = entry;
    const error = record.error ?? entry.waitingOut;
    return {
      id: record.id,
      state: entry.state,
      filename: record.filename,
      contentType: record.contentType,
      size: record.size,
      ...(record.metadata === undefined ? {} : { metadata: record.metadata }),
      ...(record.uploadId === undefined ? {} : { uploadId: record.uploadId }),
      ...(entry.progress === undefined ? {} : { progress: entry.progress }),
      ...(entry.uploaded === undefined ? {} : { record: entry.uploaded }),
      ...(error === undefined ? {} : { error }),
      persisted: entry.persisted,
    };
  }
}

function withoutUploadId<S>(record: QueueRecord<S>): QueueRecord<S> {
  const { uploadId: _uploadId, ...rest } = record;
  return rest;
}
