import type { UploadSource } from '../uploadSource.js';

/** Why an item stopped for good (or what it waits out), kept in plain fields so it survives a restart. */
export interface QueueItemError {
  /** The error's class name, e.g. `UploadFailedError`, `ApiError`. */
  readonly name: string;
  /** The stable code when the error had one (`SIZE_MISMATCH`, `QUOTA_EXCEEDED`, …). */
  readonly code?: string;
  readonly message: string;
  /**
   * Set for a failure worth retrying (no answer, 429, 5xx): the attempts in a row that ended so,
   * on a `queued` item waiting to try again, and on a `failed` one the queue gave up on.
   */
  readonly attempts?: number;
}

/**
 * What a queue keeps of one file: enough to reopen its bytes and to resume its upload after a
 * lost connection, an app restart or a page reload. `S` is the store's kind of source: a
 * `Blob` in IndexedDB, a path in a JSON file, whatever an app's own store can reopen.
 */
export interface QueueRecord<S> {
  /** The queue's own id; ids sort in the order items were added. */
  readonly id: string;
  readonly source: S;
  readonly filename: string;
  readonly contentType: string;
  readonly size: number;
  readonly metadata?: Readonly<Record<string, string>>;
  readonly partSize?: number;
  /** Set as soon as the API created the upload: from then on the queue resumes it, never starts over. */
  readonly uploadId?: string;
  /** Set when the item stopped for good (until `retry`). */
  readonly error?: QueueItemError;
  /** ISO-8601. */
  readonly addedAt: string;
}

/** A source opened for reading; `close` (when given) is called once the upload attempt settles. */
export interface OpenedSource {
  readonly source: UploadSource;
  close?(): Promise<void>;
}

/**
 * Where a queue keeps its items between runs (IndexedDB in browsers, a JSON file in Node, an
 * app's own store in React Native). The queue never overlaps two calls that change the store,
 * and after a failed `load` it writes nothing (so it cannot overwrite what it could not read).
 * A store may throw anything: the queue reports it as a `QueueStoreError` and keeps the item in
 * memory.
 */
export interface QueueStore<S> {
  /** Every record put and not deleted, in any order. */
  load(): Promise<readonly QueueRecord<S>[]>;
  /** Adds or replaces the record with this id. */
  put(record: QueueRecord<S>): Promise<void>;
  delete(id: string): Promise<void>;
  /** Opens a source for reading: a Blob is its own source, a path is opened as a file. */
  open(source: S): Promise<OpenedSource>;
}
