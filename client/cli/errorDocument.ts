import { ApiError, DownloadFailedError, NetworkError, UploadFailedError, UploadNotReadyError, WatchError } from '../errors.js';
import type { UploadStatus } from '../types.js';

/**
 * A failure as `--json` prints it on stderr: the API's own error shape (`{ "error": { code,
 * message } }`) with the code the API or the SDK gave, plus what a script needs to act on it.
 */
export interface ErrorDocument {
  readonly error: {
    readonly code: string;
    readonly message: string;
    /** The HTTP status, when the API (or S3, for a part) answered one. */
    readonly status?: number;
    /** Seconds the API asked to wait (`RATE_LIMITED`, `TOO_MANY_REQUESTS`). */
    readonly retryAfterSeconds?: number;
    /** The upload concerned, once it exists: `upload --resume` takes it. */
    readonly uploadId?: string;
    /** The state the upload ended in, when it will never be ready (exit 3). */
    readonly uploadStatus?: UploadStatus;
    readonly partNumber?: number;
  };
}

/** Codes of failures the CLI itself sees, beside the API's and the SDK's. */
export const CLI_ERROR_CODES = {
  /** The file to upload cannot be opened or read. */
  sourceUnreadable: 'SOURCE_UNREADABLE',
  /** Ctrl-C. */
  interrupted: 'INTERRUPTED',
  /** A request that got no HTTP answer (`NetworkError`). */
  network: 'NETWORK_ERROR',
  /** Anything else: a bug or an environment the SDK does not expect. */
  unexpected: 'UNEXPECTED_ERROR',
} as const;

/** The document for `error`; `context.uploadId` names the upload when the error itself does not. */
export function errorDocument(error: unknown, context: { readonly uploadId?: string | undefined } = {}): ErrorDocument {
  const fields = fieldsOf(error);
  const uploadId = fields.uploadId ?? context.uploadId;
  return { error: { ...fields, ...(uploadId === undefined ? {} : { uploadId }) } };
}

type Fields = { -readonly [K in keyof ErrorDocument['error']]: ErrorDocument['error'][K] };

function fieldsOf(error: unknown): Fields {
  if (error instanceof ApiError) {
    return {
      code: error.code,
      message: error.message,
      status: error.status,
      ...(error.retryAfterSeconds === undefined ? {} : { retryAfterSeconds: error.retryAfterSeconds }),
    };
  }
  if (error instanceof UploadFailedError) {
    return {
      code: error.code,
      message: error.message,
      ...defined({ status: error.status, uploadId: error.uploadId, partNumber: error.partNumber }),
    };
  }
  if (error instanceof UploadNotReadyError) {
    return { code: error.code, message: error.message, uploadId: error.uploadId, uploadStatus: error.status };
  }
  if (error instanceof WatchError) return { code: error.code, message: error.message, ...defined({ uploadId: error.uploadId }) };
  if (error instanceof DownloadFailedError) return { code: error.code, message: error.message, ...defined({ status: error.status }) };
  if (error instanceof NetworkError) return { code: CLI_ERROR_CODES.network, message: `${error.message}${causeOf(error)}` };
  return { code: CLI_ERROR_CODES.unexpected, message: error instanceof Error ? error.message : String(error) };
}

function defined<T extends Record<string, unknown>>(values: T): Partial<T> {
  return Object.fromEntries(Object.entries(values).filter(([, value]) => value !== undefined)) as Partial<T>;
}

/** What failed beneath an error, as ` (message)`, or nothing. */
export function causeOf(error: Error): string {
  const cause = error.cause as { message?: unknown; cause?: { message?: unknown } } | undefined;
  // fetch wraps the socket error: "fetch failed" ← "connect ECONNREFUSED 127.0.0.1:1".
  const message = cause?.cause?.message ?? cause?.message;
  return typeof message === 'string' ? ` (${message})` : '';
}
