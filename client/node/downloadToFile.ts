import { type FileHandle, open, stat } from 'node:fs/promises';
import type { FetchFunction } from '../apiTransport.js';
import { AbortError, DownloadFailedError, NetworkError } from '../errors.js';
import { abortErrorFor } from '../retry.js';
import { redactUrl, s3ErrorDetail } from '../s3Answer.js';

export interface DownloadProgress {
  /** Bytes the file holds, including those it held before a resume. */
  readonly loadedBytes: number;
  readonly totalBytes: number;
}

export interface DownloadOptions {
  /** @default globalThis.fetch */
  readonly fetch?: FetchFunction;
  /** Stops the download; the bytes written so far stay, so the next call resumes. */
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: DownloadProgress) => void;
}

export interface DownloadResult {
  readonly path: string;
  /** The original's size: what the file holds now. */
  readonly size: number;
  /** Bytes the file already held, which were not fetched again (0 for a fresh download). */
  readonly resumedFrom: number;
}

/**
 * Saves what a download URL (`downloadUrl`) serves to `path`, resuming when the file already
 * holds the first part of it: a ranged GET from the file's last byte, which S3 answers 206. The
 * range starts one byte early on purpose: that byte must equal the file's last one (a partial
 * file of another original fails with `FILE_MISMATCH` and is left alone), and a file that is
 * already complete still gets a satisfiable range, which says the total (S3's 416 may not).
 * A server that ignores the range (200) gets the file rewritten from the start.
 */
export async function downloadToFile(url: string, path: string, options: DownloadOptions = {}): Promise<DownloadResult> {
  const fetch: FetchFunction = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const { signal } = options;
  const held = await sizeOf(path);
  const response = await request(fetch, url, held > 0 ? { range: `bytes=${held - 1}-` } : {}, signal);

  if (response.status === 416) {
    await response.body?.cancel();
    throw new DownloadFailedError('FILE_LARGER', `${path} holds ${held} bytes, more than the original; move it away or name another PATH`, { path });
  }
  if (response.status !== 200 && response.status !== 206) {
    const detail = s3ErrorDetail(await response.text().catch(() => ''));
    throw new DownloadFailedError('DOWNLOAD_REFUSED', `S3 refused the download with ${response.status}: ${detail}`, { path, status: response.status });
  }

  const resuming = response.status === 206;
  let total: number;
  if (resuming) {
    const range = parseContentRange(response.headers.get('content-range'));
    if (range === undefined || range.start !== held - 1) {
      await response.body?.cancel();
      throw new DownloadFailedError('INCOMPLETE', `Asked for bytes from ${held - 1} on, got Content-Range ${response.headers.get('content-range')}`, { path });
    }
    total = range.total;
  } else {
    total = Number(response.headers.get('content-length') ?? Number.NaN);
  }

  const handle = await open(path, resuming ? 'r+' : 'w');
  try {
    const resumedFrom = resuming ? held : 0;
    const lastHeld = resuming ? await byteAt(handle, held - 1) : undefined;
    let position = resumedFrom;
    options.onProgress?.({ loadedBytes: position, totalBytes: total });
    const reader = response.body?.getReader();
    // Ends a read that waits on a stalled connection at once; fetch alone may not.
    const stop = () => void reader?.cancel(signal?.reason).catch(() => undefined);
    signal?.addEventListener('abort', stop, { once: true });
    let overlapChecked = !resuming;
    try {
      for (let read = await reader?.read(); read !== undefined && !read.done; read = await reader?.read()) {
        let bytes = read.value;
        if (!overlapChecked && bytes.length > 0) {
          if (bytes[0] !== lastHeld) {
            await reader?.cancel();
            throw new DownloadFailedError('FILE_MISMATCH', `${path} does not end like the original, so it is no partial download of it; move it away or name another PATH`, { path });
          }
          overlapChecked = true;
          bytes = bytes.subarray(1);
        }
        await handle.write(bytes, 0, bytes.length, position);
        position += bytes.length;
        options.onProgress?.({ loadedBytes: position, totalBytes: total });
      }
    } catch (error) {
      if (error instanceof DownloadFailedError) throw error;
      if (signal?.aborted) throw abortErrorFor(signal);
      throw new NetworkError(redactUrl(url), { cause: error });
    } finally {
      signal?.removeEventListener('abort', stop);
    }
    if (signal?.aborted) throw abortErrorFor(signal);
    if (!overlapChecked || (Number.isFinite(total) && position !== total)) {
      throw new DownloadFailedError('INCOMPLETE', `The answer ended at byte ${position} of ${total}; run again to resume`, { path });
    }
    return { path, size: position, resumedFrom };
  } finally {
    await handle.close();
  }
}

async function request(fetch: FetchFunction, url: string, headers: Record<string, string>, signal: AbortSignal | undefined): Promise<Response> {
  try {
    return await fetch(url, { headers, ...(signal ? { signal } : {}) });
  } catch (error) {
    if (signal?.aborted) throw abortErrorFor(signal);
    if (error instanceof AbortError) throw error;
    throw new NetworkError(redactUrl(url), { cause: error });
  }
}

async function sizeOf(path: string): Promise<number> {
  try {
    return (await stat(path)).size;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw error;
  }
}

/** `bytes 10-99/100` → its first byte and the whole size; anything else → undefined. */
function parseContentRange(value: string | null): { start: number; total: number } | undefined {
  const match = /^bytes (\d+)-(\d+)\/(\d+)$/.exec(value?.trim() ?? '');
  return match ? { start: Number(match[1]), total: Number(match[3]) } : undefined;
}

async function byteAt(handle: FileHandle, position: number): Promise<number | undefined> {
  const byte = Buffer.alloc(1);
  const { bytesRead } = await handle.read(byte, 0, 1, position);
  return bytesRead === 1 ? byte[0] : undefined;
}
