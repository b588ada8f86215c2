export {
  createUploadQueue,
  DEFAULT_QUEUE_RETRY_DELAY,
  type QueueAddOptions,
  type QueueClient,
  type QueueItem,
  type QueueItemState,
  type UploadQueue,
  type UploadQueueEvent,
  type UploadQueueOptions,
} from './createUploadQueue.js';
export { QueueStoreError, type QueueStoreOperation } from '../errors.js';
export { createIndexedDbStore, type IndexedDbStoreOptions } from './indexedDbStore.js';
export { browserOnlineSignal, createOnlineSignal, type OnlineSignal, type SettableOnlineSignal } from './OnlineSignal.js';
export type { OpenedSource, QueueItemError, QueueRecord, QueueStore } from './QueueStore.js';
