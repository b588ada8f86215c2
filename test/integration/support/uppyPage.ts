/**
 * The page script of test/integration/uppyUpload.test.ts: real Uppy 5 (`@uppy/core`,
 * `@uppy/aws-s3`) configured as docs/uppy.md says, uploading a File made in the page. The test
 * drives it step by step through `globalThis.uppyPage` and reads what Uppy reported.
 */
import AwsS3 from '@uppy/aws-s3';
import Uppy from '@uppy/core';

export interface UppyFileArgs {
  readonly apiUrl: string;
  /** Sent as `Authorization: Bearer …`; none sends no `headers` option at all (what Uppy 6 can do). */
  readonly token?: string;
  readonly size: number;
  /** @default 'clip.mp4' */
  readonly name?: string;
  /** @default 'video/mp4' */
  readonly type?: string;
  /** Set on the file's meta before the upload (e.g. `size` for strict mode). */
  readonly meta?: Readonly<Record<string, string>>;
  /** Uppy's `getChunkSize`, in bytes. @default - Uppy's own */
  readonly chunkSize?: number;
  /** Uppy's `shouldUseMultipart`. @default true */
  readonly multipart?: boolean;
}

export interface UppyState {
  readonly uploadId?: string;
  readonly partsUploaded: readonly number[];
  readonly bytesUploaded: number;
  /** `upload-success`'s response: its `uploadURL` and body. */
  readonly success?: { readonly uploadURL?: string; readonly location?: string };
  /** What Uppy shows for the file: `upload-error`'s message. */
  readonly error?: string;
  /** `complete` fired (the upload ended, well or not). */
  readonly completed: boolean;
  readonly removed: boolean;
}

export interface UppyPageApi {
  /** A new Uppy with the file added (random bytes); answers the file's SHA-256. */
  create(args: UppyFileArgs): Promise<{ sha256: string }>;
  /** Starts the upload; `state()` follows it. */
  start(): void;
  pauseResume(): void;
  remove(): void;
  state(): UppyState;
}

interface Current {
  uppy: Uppy;
  fileId: string;
  state: {
    partsUploaded: number[];
    bytesUploaded: number;
    success?: { uploadURL?: string; location?: string };
    error?: string;
    completed: boolean;
    removed: boolean;
    uploadId?: string;
  };
}

let current: Current | undefined;

function randomBytes(size: number): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(size);
  // getRandomValues fills at most 65,536 bytes per call.
  for (let offset = 0; offset < size; offset += 65_536) crypto.getRandomValues(bytes.subarray(offset, Math.min(size, offset + 65_536)));
  return bytes;
}

function hex(buffer: ArrayBuffer): string {
  return [...new Uint8Array(buffer)].map((byte) => byte.toString(16).padStart(2, '0')).join('');
}

function need(): Current {
  if (!current) throw new Error('create() first');
  return current;
}

const api: UppyPageApi = {
  async create(args) {
    current?.uppy.destroy();
    const uppy = new Uppy({ autoProceed: false });
    const headers = args.token === undefined ? {} : { headers: { authorization: `Bearer ${args.token}` } };
    if (args.multipart === false) {
      uppy.use(AwsS3, { endpoint: args.apiUrl, ...headers, shouldUseMultipart: false });
    } else {
      uppy.use(AwsS3, {
        endpoint: args.apiUrl,
        ...headers,
        shouldUseMultipart: true,
        ...(args.chunkSize === undefined ? {} : { getChunkSize: () => args.chunkSize! }),
      });
    }
    const bytes = randomBytes(args.size);
    const type = args.type ?? 'video/mp4';
    const file = new File([bytes], args.name ?? 'clip.mp4', { type });
    const fileId = uppy.addFile({ name: file.name, type, data: file, source: 'test' });
    if (args.meta) uppy.setFileMeta(fileId, { ...args.meta });
    const state: Current['state'] = { partsUploaded: [], bytesUploaded: 0, completed: false, removed: false };
    uppy.on('s3-multipart:part-uploaded', (_file, part) => state.partsUploaded.push(part.PartNumber));
    uppy.on('upload-progress', (_file, progress) => {
      state.bytesUploaded = progress.bytesUploaded;
    });
    uppy.on('upload-success', (_file, response) => {
      state.success = { uploadURL: response.uploadURL, location: (response.body as { location?: string } | undefined)?.location };
    });
    uppy.on('upload-error', (_file, error) => {
      state.error = error.message;
    });
    uppy.on('complete', () => {
      state.completed = true;
    });
    uppy.on('file-removed', () => {
      state.removed = true;
    });
    current = { uppy, fileId, state };
    return { sha256: hex(await crypto.subtle.digest('SHA-256', bytes)) };
  },
  start() {
    // Errors reach upload-error; the promise would only repeat them.
    need().uppy.upload().catch(() => undefined);
  },
  pauseResume() {
    const { uppy, fileId } = need();
    uppy.pauseResume(fileId);
  },
  remove() {
    const { uppy, fileId } = need();
    uppy.removeFile(fileId);
  },
  state() {
    const { uppy, fileId, state } = need();
    // Uppy forgets the id when the file is removed or the upload aborted: keep the first one seen.
    const file = uppy.getFile(fileId) as { s3Multipart?: { uploadId?: string } } | undefined;
    state.uploadId ??= file?.s3Multipart?.uploadId;
    return { ...state, partsUploaded: [...state.partsUploaded] };
  },
};

(globalThis as { uppyPage?: UppyPageApi }).uppyPage = api;
