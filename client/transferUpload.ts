import type { FetchFunction } from './apiTransport.js';
import type { PartUrlBook } from './PartUrlBook.js';
import { type RetryDelay, withRetries } from './retry.js';
import type { CompletedPart, PublicUpload, UploadedPart } from './types.js';
import { planParts, uploadParts } from './uploadParts.js';
import type { ResolvedTransferOptions, TransferOptions } from './uploadOptions.js';
import type { UploadSource } from './uploadSource.js';

/** The API calls a transfer needs once the upload exists. */
export interface TransferApi {
  completeUpload(uploadId: string, parts: readonly CompletedPart[] | undefined, init: { signal?: AbortSignal }): Promise<PublicUpload>;
}

export interface TransferPlan {
  readonly uploadId: string;
  readonly source: UploadSource;
  readonly size: number;
  readonly partSize: number;
  readonly partCount: number;
  /** Parts S3 already holds (resume): never sent again. */
  readonly uploaded: readonly UploadedPart[];
  readonly urls: PartUrlBook;
}

export interface TransferContext {
  readonly api: TransferApi;
  readonly fetch: FetchFunction;
  readonly retryDelay: RetryDelay;
  readonly options: TransferOptions & ResolvedTransferOptions;
  readonly signal: AbortSignal;
}

/** Sends every part S3 does not hold yet, then completes the upload and returns its record. */
export async function transferUpload(plan: TransferPlan, context: TransferContext): Promise<PublicUpload> {
  const { options, signal } = context;
  const parts = planParts(plan.size, plan.partSize, plan.partCount);
  const held = new Map(plan.uploaded.map((part) => [part.partNumber, part]));
  const etags = new Map<number, string | undefined>();
  // Part URLs sign their exact length, so S3 should hold no part of another length; resume
  // does not rely on it: such a part is sent again rather than failing the total size check.
  const missing = parts.filter((part) => {
    const stored = held.get(part.partNumber);
    if (stored === undefined || stored.size !== part.end - part.start) return true;
    etags.set(part.partNumber, stored.etag);
    return false;
  });

  let loadedBytes = plan.size - missing.reduce((sum, part) => sum + (part.end - part.start), 0);
  let partsDone = parts.length - missing.length;
  const report = () => options.onProgress?.({ loadedBytes, totalBytes: plan.size, partsDone, partCount: parts.length });
  report();

  await uploadParts({
    uploadId: plan.uploadId,
    source: plan.source,
    parts: missing,
    urls: plan.urls,
    fetch: context.fetch,
    concurrency: options.concurrency,
    retries: options.retries,
    retryDelay: context.retryDelay,
    signal,
    onPartDone: (part, etag) => {
      etags.set(part.partNumber, etag);
      loadedBytes += part.end - part.start;
      partsDone += 1;
      report();
    },
  });

  // Without every ETag (a bucket whose CORS hides the header), the API lists the parts itself.
  const completed = parts.every((part) => etags.get(part.partNumber) !== undefined)
    ? parts.map((part) => ({ partNumber: part.partNumber, etag: etags.get(part.partNumber) as string }))
    : undefined;
  return complete(plan.uploadId, completed, context);
}

/** Complete is idempotent on the API side (a completed upload answers with its record), so it is retried like a read. */
function complete(uploadId: string, parts: readonly CompletedPart[] | undefined, context: TransferContext): Promise<PublicUpload> {
  const { api, signal } = context;
  return withRetries(() => api.completeUpload(uploadId, parts, { signal }), {
    retries: context.options.retries,
    delay: context.retryDelay,
    signal,
  });
}
