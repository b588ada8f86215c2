import { createApiTransport, type FetchFunction } from './apiTransport.js';
import { createApi, type MediaPipelineApi } from './createApi.js';
import { DEFAULT_RETRY_DELAY, type RetryDelay } from './retry.js';
import { runResume } from './runResume.js';
import { runUpload } from './runUpload.js';
import type { TransferContext } from './transferUpload.js';
import type { PublicUpload } from './types.js';
import { resolveTransferOptions, type TransferOptions, type UploadOptions } from './uploadOptions.js';
import { UploadTask } from './UploadTask.js';
import { toUploadSource, type UploadInput } from './uploadSource.js';

interface ClientBaseOptions {
  /** The HTTP API's base URL, e.g. `https://abc.execute-api.eu-west-1.amazonaws.com`. */
  readonly apiUrl: string;
  /** @default globalThis.fetch */
  readonly fetch?: FetchFunction;
  /** Backoff between retries. @default { baseMs: 300, maxMs: 20000 } */
  readonly retryDelay?: RetryDelay;
}

export type ClientOptions = ClientBaseOptions &
  (
    | { readonly token: string; readonly getToken?: never }
    /** Called before each API request, so the app can hand out a refreshed token. */
    | { readonly getToken: () => string | Promise<string>; readonly token?: never }
  );

export interface MediaPipelineClient extends MediaPipelineApi {
  /** Uploads a File/Blob, bytes, or any UploadSource and resolves with the completed record. */
  upload(source: UploadInput, options?: UploadOptions): Promise<PublicUpload>;
  /** Sends what S3 does not hold yet of an earlier upload, then completes it. */
  resume(uploadId: string, source: UploadInput, options?: TransferOptions): Promise<PublicUpload>;
  /** Like `upload`, with a handle to abort or cancel it and to read its id. */
  startUpload(source: UploadInput, options?: UploadOptions): UploadTask;
  startResume(uploadId: string, source: UploadInput, options?: TransferOptions): UploadTask;
}

export function createClient(options: ClientOptions): MediaPipelineClient {
  if (typeof options.apiUrl !== 'string' || !/^https?:\/\//.test(options.apiUrl)) {
    throw new TypeError(`apiUrl must be an http(s) URL, got ${String(options.apiUrl)}`);
  }
  const { token, getToken } = options;
  const tokenSource = getToken ?? (() => token as string);
  if (getToken === undefined && (typeof token !== 'string' || token === '')) {
    throw new TypeError('createClient needs a token or a getToken function');
  }
  // Called unbound: browsers throw "Illegal invocation" when fetch runs with another `this`.
  const fetchFunction: FetchFunction = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const retryDelay = options.retryDelay ?? DEFAULT_RETRY_DELAY;
  const api = createApi(createApiTransport({ apiUrl: options.apiUrl, getToken: tokenSource, fetch: fetchFunction }));

  const contextFor = (transfer: TransferOptions, signal: AbortSignal): TransferContext => ({
    api,
    fetch: fetchFunction,
    retryDelay,
    options: { ...transfer, ...resolveTransferOptions(transfer) },
    signal,
  });
  const remove = (uploadId: string) => api.deleteUpload(uploadId);

  // Async runs, so a bad option rejects the returned promise instead of throwing.
  const startUpload = (input: UploadInput, uploadOptions: UploadOptions = {}) =>
    new UploadTask(
      async (signal, onUploadId) => runUpload(api, toUploadSource(input), uploadOptions, contextFor(uploadOptions, signal), onUploadId),
      remove,
      uploadOptions.signal,
    );
  const startResume = (uploadId: string, input: UploadInput, transferOptions: TransferOptions = {}) =>
    new UploadTask(
      async (signal, onUploadId) => {
        onUploadId(uploadId);
        return runResume(api, uploadId, toUploadSource(input), contextFor(transferOptions, signal));
      },
      remove,
      transferOptions.signal,
    );

  return {
    ...api,
    startUpload,
    startResume,
    upload: (input, uploadOptions) => startUpload(input, uploadOptions).result,
    resume: (uploadId, input, transferOptions) => startResume(uploadId, input, transferOptions).result,
  };
}
