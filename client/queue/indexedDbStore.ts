import { createStore, del, set, values } from 'idb-keyval';
import type { QueueRecord, QueueStore } from './QueueStore.js';

export interface IndexedDbStoreOptions {
  /**
   * The IndexedDB database that holds this store's records, alone: two queues that must not see
   * each other's files (two users of one browser profile, two apps of one origin) need two names.
   * @default 'media-pipeline-upload-queue'
   */
  readonly databaseName?: string;
}

/**
 * The one object store in each database. It is not an option: `idb-keyval` creates it only
 * when it creates the database, so another name in an existing database would fail every call.
 */
const OBJECT_STORE = 'uploads';

/**
 * A browser queue store in IndexedDB (through `idb-keyval`). Each record is kept with its
 * File or Blob: IndexedDB stores the bytes themselves, so the file can be read again after a
 * page reload although the page's File object is gone. That copy counts against the origin's
 * storage quota; a file over it fails to be kept (a `storeError`) and uploads from memory.
 */
export function createIndexedDbStore(options: IndexedDbStoreOptions = {}): QueueStore<Blob> {
  const store = createStore(options.databaseName ?? 'media-pipeline-upload-queue', OBJECT_STORE);
  return {
    load: () => values<QueueRecord<Blob>>(store),
    put: (record) => set(record.id, record, store),
    delete: (id) => del(id, store),
    open: async (blob) => ({ source: blob }),
  };
}
