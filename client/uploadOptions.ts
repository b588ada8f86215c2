import type { CreatedUpload } from './types.js';

export interface UploadProgress {
  /** Bytes S3 holds for this upload, including parts stored before a resume. */
  readonly loadedBytes: number;
  readonly totalBytes: number;
  readonly partsDone: number;
  readonly partCount: number;
}

export interface TransferOptions {
  /** Called at the start and each time a part is stored; `loadedBytes` never decreases. */
  readonly onProgress?: (progress: UploadProgress) => void;
  /** Aborts every request in flight; the upload stays resumable. */
  readonly signal?: AbortSignal;
  /** Part PUTs in flight at once. @default 4 */
  readonly concurrency?: number;
  /** Retries per request after the first attempt, for network errors, 5xx and 429 (and re-signs after a 403). @default 5 */
  readonly retries?: number;
}

export interface UploadOptions extends TransferOptions {
  /** @default the source's type, else a guess from the filename's extension */
  readonly contentType?: string;
  /** @default the source's name (a `File`'s name) */
  readonly filename?: string;
  /** Stored on the record untouched (at most 2 KB of strings). */
  readonly metadata?: Readonly<Record<string, string>>;
  /** Bytes per part. @default chosen by the API */
  readonly partSize?: number;
  /**
   * End-to-end checksums: each part's CRC-32C is computed as it is read and signed into its URL
   * (S3 refuses a part whose bytes changed on the way; the part is sent again, then the upload
   * fails with `CHECKSUM_MISMATCH`), and S3 checks the whole file's at complete. Turn off only
   * for a deployment older than checksums. @default true
   */
  readonly checksums?: boolean;
  /** Called once the upload exists, before any part is sent: keep `uploadId` to resume later. */
  readonly onCreated?: (upload: CreatedUpload) => void;
}

export const DEFAULT_CONCURRENCY = 4;
export const DEFAULT_RETRIES = 5;

export interface ResolvedTransferOptions {
  readonly concurrency: number;
  readonly retries: number;
}

export function resolveTransferOptions(options: TransferOptions): ResolvedTransferOptions {
  const concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;
  const retries = options.retries ?? DEFAULT_RETRIES;
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new RangeError(`concurrency must be a whole number ≥ 1, got ${concurrency}`);
  }
  if (!Number.isInteger(retries) || retries < 0) {
    throw new RangeError(`retries must be a whole number ≥ 0, got ${retries}`);
  }
  return { concurrency, retries };
}
