import type { FetchFunction } from './apiTransport.js';
import { NetworkError } from './errors.js';
import { abortErrorFor } from './retry.js';
import { redactUrl, s3ErrorDetail } from './s3Answer.js';
import type { PartBody } from './uploadSource.js';

export type PartPutResult =
  | { readonly ok: true; readonly etag: string | undefined }
  | { readonly ok: false; readonly status: number; readonly detail: string };

/**
 * PUTs one part to its presigned URL. An HTTP answer is returned as data (the caller decides
 * between retry, re-sign and giving up); no answer throws NetworkError or AbortError.
 * `etag` is undefined when the bucket's CORS rules do not expose the header to a browser.
 */
export async function putPart(fetch: FetchFunction, url: string, body: PartBody, signal: AbortSignal): Promise<PartPutResult> {
  try {
    const response = await fetch(url, { method: 'PUT', body: body as BodyInit, signal });
    // The body is read even on success so the connection goes back to the pool.
    const text = await response.text();
    if (response.ok) return { ok: true, etag: response.headers.get('etag') ?? undefined };
    return { ok: false, status: response.status, detail: s3ErrorDetail(text) };
  } catch (error) {
    if (signal.aborted) throw abortErrorFor(signal);
    throw new NetworkError(redactUrl(url), { cause: error });
  }
}
