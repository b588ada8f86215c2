export * from '../index.js';
// Shadows the core's createClient re-exported above: Node gets `ws` by default.
export { createClient } from './createClient.js';
export { openFileSource, type FileSource } from './fileSource.js';
export { downloadToFile, type DownloadOptions, type DownloadProgress, type DownloadResult } from './downloadToFile.js';
export { createUploadQueue, DEFAULT_QUEUE_MAX_ATTEMPTS, DEFAULT_QUEUE_RETRY_DELAY } from '../queue/createUploadQueue.js';
export type {
  QueueAddOptions,
  QueueClient,
  QueueItem,
  QueueItemState,
  UploadQueue,
  UploadQueueEvent,
  UploadQueueOptions,
} from '../queue/UploadQueue.js';
export { QueueStoreError, type QueueStoreOperation } from '../errors.js';
export { createOnlineSignal, type OnlineSignal, type SettableOnlineSignal } from '../queue/OnlineSignal.js';
export type { OpenedSource, QueueItemError, QueueRecord, QueueStore } from '../queue/QueueStore.js';
export { createJsonFileStore } from './jsonFileStore.js';
