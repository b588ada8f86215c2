import type { FetchFunction } from './apiTransport.js';
import { combineCrc32c, crc32cBase64 } from './crc32c.js';
import type { PartUrlBook } from './PartUrlBook.js';
import { type RetryDelay, withRetries } from './retry.js';
import type { CompletedPart, CompleteUploadInput, PublicUpload, UploadedPart } from './types.js';
import { type PartPlan, planParts, readHashedPart, uploadParts } from './uploadParts.js';
import type { ResolvedTransferOptions, TransferOptions } from './uploadOptions.js';
import type { UploadSource } from './uploadSource.js';

/** The API calls a transfer needs once the upload exists. */
export interface TransferApi {
  completeUpload(uploadId: string, input: CompleteUploadInput, init: { signal?: AbortSignal }): Promise<PublicUpload>;
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
  /** The upload has checksums (`checksumAlgorithm: 'CRC32C'`): every part is hashed and the whole file's CRC-32C completes it. */
  readonly checksums: boolean;
}

export interface TransferContext {
  readonly api: TransferApi;
  readonly fetch: FetchFunction;
  readonly retryDelay: RetryDelay;
  readonly options: TransferOptions & ResolvedTransferOptions;
  readonly signal: AbortSignal;
}

/**
 * Sends every part S3 does not hold yet, then completes the upload and returns its record. With
 * checksums, each part's CRC-32C is taken from the bytes as they are read for sending, and the
 * whole file's is combined from them (no second read); parts S3 already holds (resume) are read
 * and hashed once and sent again unless S3's checksum of them matches, so the file completed is
 * the caller's source even if it changed since the parts were sent.
 */
export async function transferUpload(plan: TransferPlan, context: TransferContext): Promise<PublicUpload> {
  const { options, signal } = context;
  const parts = planParts(plan.size, plan.partSize, plan.partCount);
  const held = new Map(plan.uploaded.map((part) => [part.partNumber, part]));
  const etags = new Map<number, string | undefined>();
  const crcs = new Map<number, number>();
  // Part URLs sign their exact length, so S3 should hold no part of another length; resume
  // does not rely on it: such a part is sent again rather than failing the total size check.
  const missing: PartPlan[] = [];
  for (const part of parts) {
    const stored = held.get(part.partNumber);
    if (stored === undefined || stored.size !== part.end - part.start || !(await sameChecksum(part, stored, plan, crcs))) {
      missing.push(part);
    } else {
      etags.set(part.partNumber, stored.etag);
    }
  }

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
    checksums: plan.checksums,
    onPartDone: (part, etag, crc) => {
      etags.set(part.partNumber, etag);
      if (crc !== undefined) crcs.set(part.partNumber, crc);
      loadedBytes += part.end - part.start;
      partsDone += 1;
      report();
    },
  });

  // Without every ETag (a bucket whose CORS hides the header), the API lists the parts itself.
  const completed: CompletedPart[] | undefined = parts.every((part) => etags.get(part.partNumber) !== undefined)
    ? parts.map((part) => ({ partNumber: part.partNumber, etag: etags.get(part.partNumber) as string }))
    : undefined;
  const input: CompleteUploadInput = {
    ...(completed && { parts: completed }),
    ...(plan.checksums && { checksumCRC32C: crc32cBase64(wholeFileCrc(parts, crcs)) }),
  };
  return complete(plan.uploadId, input, context);
}

/** Whether S3's checksum of a part it holds is the source's (always, for an upload without checksums). */
async function sameChecksum(part: PartPlan, stored: UploadedPart, plan: TransferPlan, crcs: Map<number, number>): Promise<boolean> {
  if (!plan.checksums) return true;
  if (stored.checksumCRC32C === undefined) return false;
  const { crc } = await readHashedPart(part, plan);
  crcs.set(part.partNumber, crc);
  return crc32cBase64(crc) === stored.checksumCRC32C;
}

/** The FULL_OBJECT CRC-32C S3 derives from the parts, from the parts' own, in part order. */
function wholeFileCrc(parts: readonly PartPlan[], crcs: ReadonlyMap<number, number>): number {
  return parts.reduce((whole, part, index) => {
    const crc = crcs.get(part.partNumber) as number;
    return index === 0 ? crc : combineCrc32c(whole, crc, part.end - part.start);
  }, 0);
}

/** Complete is idempotent on the API side (a completed upload answers with its record), so it is retried like a read. */
function complete(uploadId: string, input: CompleteUploadInput, context: TransferContext): Promise<PublicUpload> {
  const { api, signal } = context;
  return withRetries(() => api.completeUpload(uploadId, input, { signal }), {
    retries: context.options.retries,
    delay: context.retryDelay,
    signal,
  });
}
