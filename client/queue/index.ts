export { createUploadQueue, DEFAULT_QUEUE_MAX_ATTEMPTS, DEFAULT_QUEUE_RETRY_DELAY } from './createUploadQueue.js';
export type {
  QueueAddOptions,
  QueueClient,
  QueueItem,
  QueueItemState,
  UploadQueue,
  UploadQueueEvent,
  UploadQueueOptions,
} from './UploadQueue.js';
export { QueueStoreError, type QueueStoreOperation } from '../errors.js';
export { createIndexedDbStore, type IndexedDbStoreOptions } from './indexedDbStore.js';
export { browserOnlineSignal, createOnlineSignal, type OnlineSignal, type SettableOnlineSignal } from './OnlineSignal.js';
export type { OpenedSource, QueueItemError, QueueRecord, QueueStore } from './QueueStore.js';
