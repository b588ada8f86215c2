import type { UploadEvent } from './protocol.js';
import { createApiTransport, type FetchFunction } from './apiTransport.js';
import { BytesSentReporter } from './BytesSentReporter.js';
import { createApi, type MediaPipelineApi } from './createApi.js';
import { ProgressSocket } from './ProgressSocket.js';
import { DEFAULT_RETRY_DELAY, type RetryDelay } from './retry.js';
import { runResume } from './runResume.js';
import { runUpload } from './runUpload.js';
import type { TransferContext } from './transferUpload.js';
import type { PublicUpload } from './types.js';
import { resolveTransferOptions, type TransferOptions, type UploadOptions } from './uploadOptions.js';
import { UploadTask } from './UploadTask.js';
import { toUploadSource, type UploadInput } from './uploadSource.js';
import { type WaitOptions, waitUntilReady } from './waitUntilReady.js';
import { watchUploads, type WatchOptions } from './watchUploads.js';
import { isWebSocketUrl, webSocketUrlSource } from './webSocketUrlSource.js';
import type { WebSocketConstructor } from './WebSocketLike.js';

interface ClientBaseOptions {
  /** The HTTP API's base URL, e.g. `https://abc.execute-api.eu-west-1.amazonaws.com`. */
  readonly apiUrl: string;
  /** @default globalThis.fetch */
  readonly fetch?: FetchFunction;
  /** Backoff between retries. @default { baseMs: 300, maxMs: 20000 } */
  readonly retryDelay?: RetryDelay;
  /**
   * The progress WebSocket's URL (`wss://…`, the stack output `WebSocketUrl`).
   * @default the `webSocketUrl` of `GET /config`, asked once when a connection is first needed
   */
  readonly webSocketUrl?: string;
  /**
   * A WHATWG-compatible WebSocket class; `null` turns live progress off (no bytesSent reports,
   * `waitUntilReady` polls, `watch` throws `NO_WEBSOCKET`).
   * @default globalThis.WebSocket (`client/node` passes the `ws` package's)
   */
  readonly webSocket?: WebSocketConstructor | null;
  /** Backoff between reconnections of the progress socket. @default { baseMs: 500, maxMs: 30000 } */
  readonly reconnectDelay?: RetryDelay;
  /** Backoff between polls of `waitUntilReady` while the socket is down. @default { baseMs: 1000, maxMs: 15000 } */
  readonly pollDelay?: RetryDelay;
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
  /**
   * Live events of one upload, or of all the caller's uploads when `uploadId` is undefined, over
   * the progress WebSocket: reconnects, renews and drops stale `seq`. One upload's iteration ends
   * after its final state; all uploads' only when `options.signal` aborts.
   */
  watch(uploadId?: string, options?: WatchOptions): AsyncGenerator<UploadEvent, void, undefined>;
  /**
   * Resolves with the record once the upload is `ready`; rejects with UploadNotReadyError once it
   * is `failed`, `cancelled` or `expired`. Listens on the socket, polls `GET /uploads/{id}` while it is down.
   */
  waitUntilReady(uploadId: string, options?: WaitOptions): Promise<PublicUpload>;
}

export const DEFAULT_RECONNECT_DELAY: RetryDelay = { baseMs: 500, maxMs: 30_000 };
export const DEFAULT_POLL_DELAY: RetryDelay = { baseMs: 1_000, maxMs: 15_000 };

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
  if (options.webSocketUrl !== undefined && !isWebSocketUrl(options.webSocketUrl)) {
    throw new TypeError(`webSocketUrl must be a ws(s) URL, got ${String(options.webSocketUrl)}`);
  }
  const WebSocket = options.webSocket === null ? undefined : (options.webSocket ?? globalThis.WebSocket);
  // One connection for the whole client: every watch, wait and upload shares it.
  const socket =
    typeof WebSocket === 'function'
      ? new ProgressSocket({
          WebSocket,
          url: webSocketUrlSource(options.webSocketUrl, () => api.getConfig()),
          getToken: tokenSource,
          reconnectDelay: options.reconnectDelay ?? DEFAULT_RECONNECT_DELAY,
        })
      : undefined;
  /** The transfer options with the upload's bytes also reported to the progress socket. */
  const reporting = <T extends TransferOptions>(transfer: T, reporter: BytesSentReporter | undefined): T =>
    reporter
      ? {
          ...transfer,
          onProgress: (progress) => {
            reporter.update(progress);
            transfer.onProgress?.(progress);
          },
        }
      : transfer;

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
      async (signal, onUploadId) => {
        const reporter = socket && new BytesSentReporter(socket);
        const withReports = reporting(uploadOptions, reporter);
        try {
          return await runUpload(api, toUploadSource(input), withReports, contextFor(withReports, signal), (uploadId) => {
            reporter?.setUploadId(uploadId);
            onUploadId(uploadId);
          });
        } finally {
          reporter?.stop();
        }
      },
      remove,
      uploadOptions.signal,
    );
  const startResume = (uploadId: string, input: UploadInput, transferOptions: TransferOptions = {}) =>
    new UploadTask(
      async (signal, onUploadId) => {
        onUploadId(uploadId);
        const reporter = socket && new BytesSentReporter(socket);
        reporter?.setUploadId(uploadId);
        const withReports = reporting(transferOptions, reporter);
        try {
          return await runResume(api, uploadId, toUploadSource(input), contextFor(withReports, signal));
        } finally {
          reporter?.stop();
        }
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
    watch: (uploadId, watchOptions) => watchUploads(socket, uploadId, watchOptions),
    waitUntilReady: (uploadId, waitOptions = {}) =>
      waitUntilReady(uploadId, waitOptions, { api, socket, retryDelay, pollDelay: options.pollDelay ?? DEFAULT_POLL_DELAY }),
  };
}
