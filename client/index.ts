export type { ClientMessage, ProtocolErrorCode, UploadEvent, UploadEventType } from './protocol.js';
export type { FetchFunction } from './apiTransport.js';
export { contentTypeFor } from './contentTypeFor.js';
export type { MediaPipelineApi, RequestOptions } from './createApi.js';
export {
  createClient,
  DEFAULT_POLL_DELAY,
  DEFAULT_RECONNECT_DELAY,
  type ClientOptions,
  type MediaPipelineClient,
} from './createClient.js';
export {
  AbortError,
  ApiError,
  DownloadFailedError,
  type DownloadErrorCode,
  MediaPipelineClientError,
  NetworkError,
  SourceMismatchError,
  UploadFailedError,
  UploadNotReadyError,
  WatchError,
  type WatchErrorCode,
} from './errors.js';
export { isFinalStatus } from './isFinalStatus.js';
export type { ConnectionDown } from './ProgressSocket.js';
export { DEFAULT_RETRY_DELAY, type RetryDelay } from './retry.js';
export type * from './types.js';
export { DEFAULT_CONCURRENCY, DEFAULT_RETRIES, type TransferOptions, type UploadOptions, type UploadProgress } from './uploadOptions.js';
export { UploadTask } from './UploadTask.js';
export type { PartBody, UploadInput, UploadSource } from './uploadSource.js';
export type { UploadState, WaitOptions } from './waitUntilReady.js';
export type { WatchOptions } from './watchUploads.js';
export type { WebSocketConstructor, WebSocketLike } from './WebSocketLike.js';
