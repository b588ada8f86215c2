import type { FetchFunction } from './apiTransport.js';
import { AbortError, UploadFailedError } from './errors.js';
import { linkSignal } from './linkSignal.js';
import type { PartUrlBook } from './PartUrlBook.js';
import { putPart } from './putPart.js';
import { abortErrorFor, backoffDelay, type RetryDelay, sleep } from './retry.js';
import type { PartBody, UploadSource } from './uploadSource.js';

/** One part: its number and the byte range [start, end) of the source. */
export interface PartPlan {
  readonly partNumber: number;
  readonly start: number;
  readonly end: number;
}

/** The parts as the API cut them: all `partSize` bytes except a shorter last one. */
export function planParts(size: number, partSize: number, partCount: number): PartPlan[] {
  return Array.from({ length: partCount }, (_, index) => ({
    partNumber: index + 1,
    start: index * partSize,
    end: Math.min(size, (index + 1) * partSize),
  }));
}

export interface UploadPartsOptions {
  readonly uploadId: string;
  readonly source: UploadSource;
  readonly parts: readonly PartPlan[];
  readonly urls: PartUrlBook;
  readonly fetch: FetchFunction;
  readonly concurrency: number;
  /** Retries per part after its first attempt. */
  readonly retries: number;
  readonly retryDelay: RetryDelay;
  readonly signal?: AbortSignal;
  readonly onPartDone: (part: PartPlan, etag: string | undefined) => void;
  readonly random?: () => number;
}

/**
 * Sends the parts through at most `concurrency` PUTs at a time. Each part is read from the
 * source just before it is sent and held only until it is stored, so memory stays near
 * concurrency × part size whatever the file size. The first part that fails for good stops
 * the others and is the error thrown.
 */
export async function uploadParts(options: UploadPartsOptions): Promise<void> {
  const { parts } = options;
  const controller = new AbortController();
  const unlink = linkSignal(options.signal, controller);
  let next = 0;
  let failure: { readonly error: unknown } | undefined;
  const upcoming = () => parts.slice(next).map((part) => part.partNumber);

  const worker = async () => {
    while (next < parts.length && !failure) {
      const part = parts[next++] as PartPlan;
      try {
        const etag = await sendPart(part, options, controller.signal, upcoming);
        options.onPartDone(part, etag);
      } catch (error) {
        if (!failure) {
          failure = { error };
          controller.abort(error);
        }
      }
    }
  };

  try {
    await Promise.all(Array.from({ length: Math.min(options.concurrency, parts.length) }, worker));
  } finally {
    unlink();
  }
  if (failure) throw failure.error;
}

async function sendPart(
  part: PartPlan,
  options: UploadPartsOptions,
  signal: AbortSignal,
  upcoming: () => readonly number[],
): Promise<string | undefined> {
  const { uploadId, retries } = options;
  const { partNumber } = part;
  let body: PartBody | undefined;
  for (let attempt = 0; ; attempt++) {
    if (signal.aborted) throw abortErrorFor(signal);
    // The URL is asked for before the first await, so parts that start together join one
    // signing request instead of racing to make their own.
    const url = await options.urls.urlFor(partNumber, upcoming);
    body ??= await readPart(part, options);
    const retriesLeft = attempt < retries;
    let result;
    try {
      result = await putPart(options.fetch, url, body, signal);
    } catch (error) {
      if (error instanceof AbortError) throw error;
      if (!retriesLeft) {
        throw new UploadFailedError('PART_FAILED', `Part ${partNumber} of upload ${uploadId} failed ${attempt + 1} times: no response from storage`, {
          uploadId,
          partNumber,
        }, { cause: error });
      }
      await sleep(backoffDelay(attempt, options.retryDelay, options.random), signal);
      continue;
    }
    if (result.ok) return result.etag;
    // S3 answers 403 to an expired (or otherwise unusable) signature: a fresh URL may succeed.
    if (result.status === 403 && retriesLeft) {
      options.urls.expire(partNumber);
      continue;
    }
    const transient = result.status === 429 || result.status >= 500;
    if (transient && retriesLeft) {
      await sleep(backoffDelay(attempt, options.retryDelay, options.random), signal);
      continue;
    }
    const detail = result.detail === '' ? '' : ` (${result.detail})`;
    throw new UploadFailedError(
      transient ? 'PART_FAILED' : 'PART_REJECTED',
      `Storage answered ${result.status} to part ${partNumber} of upload ${uploadId}${detail}`,
      { uploadId, partNumber, status: result.status },
    );
  }
}

async function readPart(part: PartPlan, options: UploadPartsOptions): Promise<PartBody> {
  try {
    return await options.source.slice(part.start, part.end);
  } catch (error) {
    throw new UploadFailedError(
      'SOURCE_UNREADABLE',
      `Bytes ${part.start}–${part.end} for part ${part.partNumber} could not be read from the source`,
      { uploadId: options.uploadId, partNumber: part.partNumber },
      { cause: error },
    );
  }
}
