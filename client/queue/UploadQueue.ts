import type { MediaPipelineClient } from '../createClient.js';
import type { QueueStoreError } from '../errors.js';
import type { RetryDelay } from '../retry.js';
import type { PublicUpload } from '../types.js';
import type { TransferOptions, UploadProgress } from '../uploadOptions.js';
import type { OnlineSignal } from './OnlineSignal.js';
import type { QueueItemError, QueueStore } from './QueueStore.js';

/**
 * `queued`: waits for its turn (or, with `error` set, out a failure worth retrying);
 * `uploading`; `paused`: offline, resumes when back; `uploaded`: complete, gone from the queue;
 * `failed`: stopped with `error` (a failure that cannot succeed on retry, or `maxAttempts`
 * failures worth retrying in a row), kept until `retry` or `remove`.
 */
export type QueueItemState = 'queued' | 'uploading' | 'paused' | 'uploaded' | 'failed';

/** One file of the queue as events and `items()` show it. */
export interface QueueItem {
  readonly id: string;
  readonly state: QueueItemState;
  readonly filename: string;
  readonly contentType: string;
  readonly size: number;
  readonly metadata?: Readonly<Record<string, string>>;
  /** Known once the API created the upload. */
  readonly uploadId?: string;
  readonly progress?: UploadProgress;
  /** The completed record, once `uploaded`. */
  readonly record?: PublicUpload;
  /** Why it `failed`, or the failure a `queued` item waits out before it tries again. */
  readonly error?: QueueItemError;
  /** False while the store does not hold the item's latest state: a restart would not see it. */
  readonly persisted: boolean;
}

export type UploadQueueEvent =
  /** An item was added or restored, or changed state, upload id or error. */
  | { readonly type: 'state'; readonly item: QueueItem }
  | { readonly type: 'progress'; readonly item: QueueItem }
  | { readonly type: 'removed'; readonly item: QueueItem }
  | { readonly type: 'network'; readonly online: boolean }
  /** The store could not load, keep or forget an item; the queue goes on from memory. */
  | { readonly type: 'storeError'; readonly error: QueueStoreError };

export interface QueueAddOptions {
  /** @default the source's name (a File's name, a path's base name) */
  readonly filename?: string;
  /** @default the source's type, else a guess from the filename's extension */
  readonly contentType?: string;
  /** Stored on the record untouched (at most 2 KB of strings). */
  readonly metadata?: Readonly<Record<string, string>>;
  /** Bytes per part. @default chosen by the API */
  readonly partSize?: number;
}

/** The calls the queue makes on a client from `createClient`. */
export type QueueClient = Pick<MediaPipelineClient, 'startUpload' | 'startResume' | 'getUpload' | 'deleteUpload'>;

export interface UploadQueueOptions<S> {
  readonly client: QueueClient;
  readonly store: QueueStore<S>;
  /** @default the browser's `online`/`offline` events where there are any, else always online */
  readonly online?: OnlineSignal;
  /** Files uploading at once (each sends its parts `transfer.concurrency` at a time). @default 1 */
  readonly concurrency?: number;
  /** Part PUTs in flight and retries per request, for every upload. @default the client's defaults */
  readonly transfer?: Pick<TransferOptions, 'concurrency' | 'retries'>;
  /** Backoff before a file tries again after its upload failed in a way worth retrying (no answer, 5xx, 429). @default { baseMs: 2000, maxMs: 60000 } */
  readonly retryDelay?: RetryDelay;
  /**
   * Attempts per file that may end in a failure worth retrying, in a row, before the file is
   * `failed` with the last one's error. Attempts stopped by going offline do not count, nor does
   * a failure with no answer that the offline event follows; an attempt that got parts into S3
   * starts the count anew, and so do a restart and `retry(id)`. `Infinity` never gives up.
   * @default 15 (with the default `retryDelay`, 5 to 10 minutes of waits in all)
   */
  readonly maxAttempts?: number;
  /** Hears every event from the start, including those of restoring the store. */
  readonly onEvent?: (event: UploadQueueEvent) => void;
}

export interface UploadQueue<S> {
  /** Settles once the store's items are back in the queue (and uploading again when online). */
  readonly restored: Promise<readonly QueueItem[]>;
  readonly online: boolean;
  /**
   * Queues a file and keeps it in the store before it starts. Rejects, queueing nothing, when
   * the source cannot be opened or its filename or content type cannot be told.
   */
  add(source: S, options?: QueueAddOptions): Promise<QueueItem>;
  /** Every item not yet uploaded, in the order added. */
  items(): readonly QueueItem[];
  /** Queues a `failed` item again, with `maxAttempts` anew: it resumes its upload, or starts a new one if that upload takes no more parts. */
  retry(id: string): void;
  /**
   * Stops and forgets an item, and deletes its unfinished upload so S3 drops the parts (when
   * that request fails, offline, the pipeline's expiry removes the upload later).
   */
  remove(id: string): Promise<void>;
  subscribe(listener: (event: UploadQueueEvent) => void): () => void;
  /** Resolves once no item is queued, uploading or paused (each is uploaded or failed) and the store has their last state. */
  whenIdle(): Promise<void>;
  /** Stops every upload (each stays resumable), stops listening, and waits for the store's last write. */
  close(): Promise<void>;
}
