import type { FetchFunction } from './apiTransport.js';
import { NetworkError } from './errors.js';
import { abortErrorFor } from './retry.js';
import { redactUrl, s3ErrorCode, s3ErrorDetail } from './s3Answer.js';
import type { PartBody } from './uploadSource.js';

export type PartPutResult =
  | { readonly ok: true; readonly etag: string | undefined }
  | { readonly ok: false; readonly status: number; readonly code: string | undefined; readonly detail: string };

/**
 * PUTs one part to its presigned URL. An HTTP answer is returned as data (the caller decides
 * between retry, re-sign and giving up); no answer throws NetworkError or AbortError.
 * `etag` is undefined when the bucket's CORS rules do not expose the header to a browser.
 * With `checksum` (the part's CRC-32C in base64, which its URL signs) S3 hashes the bytes it
 * receives and refuses them (400 BadDigest) unless they match.
 */
export async function putPart(fetch: FetchFunction, url: string, body: PartBody, signal: AbortSignal, checksum?: string): Promise<PartPutResult> {
  try {
    const headers = checksum === undefined ? undefined : { 'x-amz-checksum-crc32c': checksum };
    const response = await fetch(url, { method: 'PUT', body: body as BodyInit, signal, ...(headers && { headers }) });
    // The body is read even on success so the connection goes back to the pool.
    const text = await response.text();
    if (response.ok) return { ok: true, etag: response.headers.get('etag') ?? undefined };
    return { ok: false, status: response.status, code: s3ErrorCode(text), detail: s3ErrorDetail(text) };
  } catch (error) {
    if (signal.aborted) throw abortErrorFor(signal);
    throw new NetworkError(redactUrl(url), { cause: error });
  }
}
