export type { FetchFunction } from './apiTransport.js';
export { contentTypeFor } from './contentTypeFor.js';
export type { MediaPipelineApi, RequestOptions } from './createApi.js';
export { createClient, type ClientOptions, type MediaPipelineClient } from './createClient.js';
export {
  AbortError,
  ApiError,
  MediaPipelineClientError,
  NetworkError,
  SourceMismatchError,
  UploadFailedError,
} from './errors.js';
export { DEFAULT_RETRY_DELAY, type RetryDelay } from './retry.js';
export type * from './types.js';
export { DEFAULT_CONCURRENCY, DEFAULT_RETRIES, type TransferOptions, type UploadOptions, type UploadProgress } from './uploadOptions.js';
export { UploadTask } from './UploadTask.js';
export type { PartBody, UploadInput, UploadSource } from './uploadSource.js';
