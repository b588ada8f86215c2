/**
 * The script of the test page (bundled with the SDK's browser entry by browserBundle.ts): it
 * uploads bytes generated in the page, so nothing reaches the SDK from Node.
 */
import {
  AbortError,
  createClient,
  type PublicUpload,
  type UploadEvent,
  UploadNotReadyError,
  type UploadProgress,
} from '../../../client/index.js';

export interface PageUploadArgs {
  readonly apiUrl: string;
  readonly token: string;
  readonly size: number;
  readonly partSize: number;
}

export interface PageUploadResult {
  readonly record: PublicUpload;
  readonly progress: readonly UploadProgress[];
  /** Hex SHA-256 of the bytes the page generated. */
  readonly sha256: string;
}

export interface PageAbortResult {
  readonly uploadId: string | undefined;
  readonly errorName: string;
  readonly isAbortError: boolean;
  readonly partsDoneAtAbort: number;
}

export interface PageWatchResult {
  readonly uploadId: string;
  /** What `watch()` (all my uploads) yielded for the upload, in order. */
  readonly events: readonly UploadEvent[];
  /** How `waitUntilReady` settled: the ready record's status, or the error's name and code. */
  readonly waited: { readonly status?: string; readonly errorName?: string; readonly code?: string };
}

export interface BrowserPageApi {
  upload(args: PageUploadArgs): Promise<PageUploadResult>;
  abortAfterFirstPart(args: PageUploadArgs): Promise<PageAbortResult>;
  watchWhileUploading(args: PageUploadArgs): Promise<PageWatchResult>;
}

/** getRandomValues fills at most 64 KiB per call. */
const RANDOM_CHUNK = 65_536;

function generatedFile(size: number): { file: File; bytes: Uint8Array<ArrayBuffer> } {
  const bytes = new Uint8Array(size);
  for (let offset = 0; offset < size; offset += RANDOM_CHUNK) {
    crypto.getRandomValues(bytes.subarray(offset, Math.min(offset + RANDOM_CHUNK, size)));
  }
  return { file: new File([bytes], 'clip.mp4', { type: 'video/mp4' }), bytes };
}

async function sha256Hex(bytes: Uint8Array<ArrayBuffer>): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  return Array.from(digest, (byte) => byte.toString(16).padStart(2, '0')).join('');
}

const api: BrowserPageApi = {
  async upload({ apiUrl, token, size, partSize }) {
    const { file, bytes } = generatedFile(size);
    const progress: UploadProgress[] = [];
    const record = await createClient({ apiUrl, token }).upload(file, {
      partSize,
      onProgress: (event) => progress.push({ ...event }),
    });
    return { record, progress, sha256: await sha256Hex(bytes) };
  },

  async abortAfterFirstPart({ apiUrl, token, size, partSize }) {
    const { file } = generatedFile(size);
    const controller = new AbortController();
    let uploadId: string | undefined;
    let partsDoneAtAbort = 0;
    try {
      await createClient({ apiUrl, token }).upload(file, {
        partSize,
        concurrency: 1,
        signal: controller.signal,
        onCreated: (created) => {
          uploadId = created.uploadId;
        },
        onProgress: ({ partsDone }) => {
          if (partsDone === 1 && !controller.signal.aborted) {
            partsDoneAtAbort = partsDone;
            controller.abort(new Error('user pressed cancel'));
          }
        },
      });
    } catch (error) {
      return {
        uploadId,
        errorName: (error as Error).name,
        isAbortError: error instanceof AbortError,
        partsDoneAtAbort,
      };
    }
    throw new Error('the upload finished although its signal was aborted after the first part');
  },

  async watchWhileUploading({ apiUrl, token, size, partSize }) {
    // The browser's own WebSocket, and the URL from GET /config: nothing is passed in.
    const client = createClient({ apiUrl, token });
    const controller = new AbortController();
    const events: UploadEvent[] = [];
    let uploadId: string | undefined;
    const watching = (async () => {
      for await (const event of client.watch(undefined, { signal: controller.signal })) {
        if (event.uploadId !== uploadId && uploadId !== undefined) continue;
        events.push(event);
        if (uploadId !== undefined && event.status !== 'initiated' && event.status !== 'uploaded' && event.status !== 'processing') break;
      }
    })();
    const { file } = generatedFile(size);
    const record = await client.upload(file, {
      partSize,
      onCreated: (created) => {
        uploadId = created.uploadId;
      },
    });
    let waited: PageWatchResult['waited'];
    try {
      waited = { status: (await client.waitUntilReady(record.uploadId)).status };
    } catch (error) {
      waited = { errorName: (error as Error).name, ...(error instanceof UploadNotReadyError ? { code: error.code } : {}) };
    }
    await watching;
    controller.abort();
    return { uploadId: record.uploadId, events: events.filter((event) => event.uploadId === record.uploadId), waited };
  },
};

(globalThis as typeof globalThis & { mediaPipelinePage: BrowserPageApi }).mediaPipelinePage = api;
