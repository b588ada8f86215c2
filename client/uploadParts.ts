import type { FetchFunction } from './apiTransport.js';
import { crc32c, crc32cBase64 } from './crc32c.js';
import { AbortError, UploadFailedError } from './errors.js';
import { linkSignal } from './linkSignal.js';
import type { PartUrlBook } from './PartUrlBook.js';
import { type HashedPart, PartReadAhead } from './PartReadAhead.js';
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

/** What reading a part needs: the source, and the upload to name in errors. */
type PartReading = Pick<UploadPartsOptions, 'uploadId' | 'source'>;

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
  /**
   * Hash each part's bytes (CRC-32C) as they are read, have its URL sign the checksum and send
   * it with the part, so S3 refuses bytes that changed on the way. Parts are then read, hashed
   * and signed up to `READ_AHEAD` parts ahead of the PUTs.
   */
  readonly checksums: boolean;
  /** `crc` is the part's CRC-32C when `checksums` is on. */
  readonly onPartDone: (part: PartPlan, etag: string | undefined, crc: number | undefined) => void;
  readonly random?: () => number;
}

/**
 * Parts read and hashed beyond the last one a PUT took (checksum uploads): two keep the next PUT
 * from waiting for its read, hash or URL on a fast link, at the cost of two more parts in memory.
 */
export const READ_AHEAD = 2;

/**
 * Sends the parts through at most `concurrency` PUTs at a time. Without checksums each part is
 * read from the source just before it is sent; with them, parts are read, hashed and signed
 * `READ_AHEAD` parts ahead. Each is held only until it is stored, so memory stays near
 * (concurrency + READ_AHEAD) × part size whatever the file size. The first part that fails for
 * good stops the others and is the error thrown.
 */
export async function uploadParts(options: UploadPartsOptions): Promise<void> {
  const { parts } = options;
  const controller = new AbortController();
  const unlink = linkSignal(options.signal, controller);
  let next = 0;
  let failure: { readonly error: unknown } | undefined;
  const upcoming = () => parts.slice(next).map((part) => part.partNumber);
  const hashedParts = options.checksums
    ? new PartReadAhead({
        parts,
        read: (part) => readHashedPart(part, options),
        onHashed: (part, hashed) => options.urls.signAhead(part.partNumber, crc32cBase64(hashed.crc)),
        ahead: READ_AHEAD,
        signal: controller.signal,
      })
    : undefined;

  const worker = async () => {
    while (next < parts.length && !failure) {
      const index = next++;
      const part = parts[index] as PartPlan;
      try {
        // No await without checksums: parts that start together must reach `urlFor` in the same
        // tick to join one signing request.
        const hashed = hashedParts && (await hashedParts.take(index));
        const etag = await sendPart(part, hashed, options, controller.signal, upcoming);
        options.onPartDone(part, etag, hashed?.crc);
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

/** `hashed` is the part read and hashed already (checksum uploads): its URL signs the checksum. */
async function sendPart(
  part: PartPlan,
  hashed: HashedPart | undefined,
  options: UploadPartsOptions,
  signal: AbortSignal,
  upcoming: () => readonly number[],
): Promise<string | undefined> {
  const { uploadId, retries } = options;
  const { partNumber } = part;
  let body: PartBody | undefined = hashed?.bytes;
  const checksum = hashed && crc32cBase64(hashed.crc);
  for (let attempt = 0; ; attempt++) {
    if (signal.aborted) throw abortErrorFor(signal);
    // Without checksums the URL is asked for before the first await, so parts that start
    // together join one signing request instead of racing to make their own.
    const url = await options.urls.urlFor(partNumber, upcoming, checksum);
    body ??= await readPart(part, options);
    const retriesLeft = attempt < retries;
    let result;
    try {
      result = await putPart(options.fetch, url, body, signal, checksum);
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
    // S3 hashed other bytes than the ones the checksum was taken of: they changed on the way.
    // The bytes in memory are still the source's, so sending them again can succeed.
    if (checksum !== undefined && result.code === 'BadDigest') {
      if (retriesLeft) {
        await sleep(backoffDelay(attempt, options.retryDelay, options.random), signal);
        continue;
      }
      throw new UploadFailedError(
        'CHECKSUM_MISMATCH',
        `Storage refused part ${partNumber} of upload ${uploadId} ${attempt + 1} times: the bytes it received did not match their CRC-32C ${checksum ?? ''} (${result.detail})`,
        { uploadId, partNumber, status: result.status },
      );
    }
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

/** The part's bytes in memory and their CRC-32C. */
export async function readHashedPart(part: PartPlan, options: PartReading): Promise<HashedPart> {
  const body = await readPart(part, options);
  const bytes = body instanceof Uint8Array ? body : new Uint8Array(await readBlob(body, part, options));
  return { bytes, crc: crc32c(bytes) };
}

async function readBlob(blob: Blob, part: PartPlan, options: PartReading): Promise<ArrayBuffer> {
  try {
    return await blob.arrayBuffer();
  } catch (error) {
    throw unreadable(part, options, error);
  }
}

function unreadable(part: PartPlan, options: PartReading, cause: unknown): UploadFailedError {
  return new UploadFailedError(
    'SOURCE_UNREADABLE',
    `Bytes ${part.start}–${part.end} for part ${part.partNumber} could not be read from the source`,
    { uploadId: options.uploadId, partNumber: part.partNumber },
    { cause },
  );
}

async function readPart(part: PartPlan, options: PartReading): Promise<PartBody> {
  try {
    return await options.source.slice(part.start, part.end);
  } catch (error) {
    throw unreadable(part, options, error);
  }
}
