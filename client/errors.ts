import type { ProtocolErrorCode } from './protocol.js';
import type { UploadErrorInfo, UploadStatus } from './types.js';

/**
 * Every error the client raises. Callers branch on the class (or on `name`, which survives
 * bundling and structured cloning); each carries what a caller needs to react or report.
 */
export interface ClientErrorOptions {
  readonly cause?: unknown;
}

export class MediaPipelineClientError extends Error {
  constructor(message: string, options: ClientErrorOptions = {}) {
    super(message, { cause: options.cause });
    this.name = 'MediaPipelineClientError';
  }
}

/**
 * The API answered with an error status: `code` is the API's stable code (`NOT_FOUND`,
 * `TOO_LARGE`, …). A user at a per-user limit gets 403 `QUOTA_EXCEEDED` (too many unfinished
 * uploads, bytes in flight or bytes stored: finish, cancel or delete uploads) or 429
 * `RATE_LIMITED` (too many uploads this hour: `retryAfterSeconds` says when the hour ends); the
 * message names the limit and the user's figure. API Gateway's own throttling is a 429 with
 * code `TOO_MANY_REQUESTS`, which is worth retrying at once.
 */
export class ApiError extends MediaPipelineClientError {
  readonly status: number;
  readonly code: string;
  /** Seconds the API asked to wait before trying again (its `Retry-After` header), when it said. */
  readonly retryAfterSeconds: number | undefined;

  constructor(status: number, code: string, message: string, options?: ClientErrorOptions & { retryAfterSeconds?: number }) {
    super(message, options);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.retryAfterSeconds = options?.retryAfterSeconds;
  }
}

/** The request never got an HTTP answer (DNS, refused or reset connection, CORS, offline). */
export class NetworkError extends MediaPipelineClientError {
  readonly url: string;

  constructor(url: string, options?: ClientErrorOptions) {
    super(`Request to ${url} failed before an HTTP response arrived`, options);
    this.name = 'NetworkError';
    this.url = url;
  }
}

/** The caller's signal aborted the operation; nothing more is sent. */
export class AbortError extends MediaPipelineClientError {
  constructor(message = 'The operation was aborted', options?: ClientErrorOptions) {
    super(message, options);
    this.name = 'AbortError';
  }
}

/**
 * An upload cannot go on: a part was refused for good or kept failing after every retry, or
 * the upload is in a state that takes no more parts. `uploadId` is set once the upload exists,
 * so the caller can resume or cancel it.
 */
export class UploadFailedError extends MediaPipelineClientError {
  readonly code: string;
  readonly uploadId: string | undefined;
  readonly partNumber: number | undefined;
  readonly status: number | undefined;

  constructor(
    code: string,
    message: string,
    details: { uploadId?: string; partNumber?: number; status?: number } = {},
    options?: ClientErrorOptions,
  ) {
    super(message, options);
    this.name = 'UploadFailedError';
    this.code = code;
    this.uploadId = details.uploadId;
    this.partNumber = details.partNumber;
    this.status = details.status;
  }
}

/** Resume was given a source whose size differs from the size the upload was created with. */
export class SourceMismatchError extends UploadFailedError {
  readonly expectedSize: number;
  readonly actualSize: number;

  constructor(uploadId: string, expectedSize: number, actualSize: number) {
    super(
      'SIZE_MISMATCH',
      `Upload ${uploadId} was created for ${expectedSize} bytes but the source has ${actualSize} bytes`,
      { uploadId },
    );
    this.name = 'SourceMismatchError';
    this.expectedSize = expectedSize;
    this.actualSize = actualSize;
  }
}

/**
 * A download to a file cannot go on: S3 refused the URL (`DOWNLOAD_REFUSED`, with its `status`:
 * 403 once the URL expired, ask for a new one), the file already holds more bytes than the
 * original (`FILE_LARGER`) or ends unlike it (`FILE_MISMATCH`: another file, not a partial
 * download of this one), or the answer was not the bytes asked for (`INCOMPLETE`). The file is
 * left as it was, or holds every byte written before the failure (resumable).
 */
export type DownloadErrorCode = 'DOWNLOAD_REFUSED' | 'FILE_LARGER' | 'FILE_MISMATCH' | 'INCOMPLETE';

export class DownloadFailedError extends MediaPipelineClientError {
  readonly code: DownloadErrorCode;
  readonly path: string;
  readonly status: number | undefined;

  constructor(code: DownloadErrorCode, message: string, details: { path: string; status?: number }, options?: ClientErrorOptions) {
    super(message, options);
    this.name = 'DownloadFailedError';
    this.code = code;
    this.path = details.path;
    this.status = details.status;
  }
}

/**
 * Live progress (`watch`) cannot go on: no WebSocket implementation (`NO_WEBSOCKET`), no URL to
 * connect to (`NO_WEBSOCKET_URL`), the connection kept failing (`CONNECT_FAILED`, after
 * `connectAttempts`), or the server refused the subscription (`NOT_FOUND` for an upload that is
 * not the caller's, `TOO_MANY_SUBSCRIPTIONS`, …).
 */
export type WatchErrorCode = ProtocolErrorCode | 'NO_WEBSOCKET' | 'NO_WEBSOCKET_URL' | 'CONNECT_FAILED';

export class WatchError extends MediaPipelineClientError {
  readonly code: WatchErrorCode;
  /** The upload watched; undefined when watching all of one's uploads. */
  readonly uploadId: string | undefined;

  constructor(code: WatchErrorCode, message: string, details: { uploadId?: string } = {}, options?: ClientErrorOptions) {
    super(message, options);
    this.name = 'WatchError';
    this.code = code;
    this.uploadId = details.uploadId;
  }
}

/**
 * The upload ended in another final state than `ready`: `failed` (`code` is the pipeline's,
 * e.g. `UNSUPPORTED_MEDIA`, `TOO_LONG`, `TRANSCODE_FAILED`), `cancelled` (`CANCELLED`) or
 * `expired` (`EXPIRED`: it was never completed).
 */
export class UploadNotReadyError extends MediaPipelineClientError {
  readonly code: string;
  readonly uploadId: string;
  readonly status: UploadStatus;

  constructor(uploadId: string, status: UploadStatus, error?: UploadErrorInfo) {
    super(
      error === undefined
        ? `Upload ${uploadId} is ${status}, so it will never be ready`
        : `Upload ${uploadId} is ${status}: ${error.code}: ${error.message}`,
    );
    this.name = 'UploadNotReadyError';
    this.code = error?.code ?? status.toUpperCase();
    this.uploadId = uploadId;
    this.status = status;
  }
}

/**
 * An upload queue's store failed to `load` its items, or to `put` or `delete` one. The queue
 * reports it (a `storeError` event) and goes on uploading from memory: the item is not lost,
 * only not kept for the next start. `itemId` names the item whose write failed.
 */
export type QueueStoreOperation = 'load' | 'put' | 'delete';

export class QueueStoreError extends MediaPipelineClientError {
  readonly operation: QueueStoreOperation;
  readonly itemId: string | undefined;

  constructor(operation: QueueStoreOperation, message: string, details: { itemId?: string } = {}, options?: ClientErrorOptions) {
    super(message, options);
    this.name = 'QueueStoreError';
    this.operation = operation;
    this.itemId = details.itemId;
  }
}
