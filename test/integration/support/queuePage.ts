/**
 * The script of the upload-queue test page (bundled by browserBundle.ts): a queue over the
 * page's IndexedDB, which outlives reloads, fed with bytes generated in the page.
 */
import { createClient } from '../../../client/index.js';
import { createIndexedDbStore, createUploadQueue, type QueueItem, type UploadQueue } from '../../../client/queue/index.js';

/** What the test reads of each event: enough to follow the states and the parts. */
export interface PageQueueEvent {
  readonly type: string;
  readonly state?: string;
  readonly uploadId?: string;
  readonly partsDone?: number;
  readonly online?: boolean;
  readonly error?: string;
}

export interface QueuePageApi {
  /** Creates the queue over IndexedDB; after a reload it restores (and resumes) what the last page queued. */
  open(args: { readonly apiUrl: string; readonly token: string }): Promise<readonly QueueItem[]>;
  /** Queues a File of random bytes; the digest lets the test compare what S3 holds. */
  add(args: { readonly size: number; readonly partSize: number }): Promise<{ readonly item: QueueItem; readonly sha256: string }>;
  events(): readonly PageQueueEvent[];
  /** Waits until nothing is left to upload; returns what is left (failed items). */
  whenIdle(): Promise<readonly QueueItem[]>;
}

/** getRandomValues fills at most 64 KiB per call. */
const RANDOM_CHUNK = 65_536;

let queue: UploadQueue<Blob> | undefined;
const events: PageQueueEvent[] = [];

function opened(): UploadQueue<Blob> {
  if (!queue) throw new Error('open the queue first');
  return queue;
}

const api: QueuePageApi = {
  async open({ apiUrl, token }) {
    queue = createUploadQueue({
      client: createClient({ apiUrl, token }),
      store: createIndexedDbStore(),
      transfer: { concurrency: 1 },
      onEvent: (event) => {
        switch (event.type) {
          case 'state':
          case 'progress':
          case 'removed':
            events.push({
              type: event.type,
              state: event.item.state,
              ...(event.item.uploadId === undefined ? {} : { uploadId: event.item.uploadId }),
              ...(event.item.progress === undefined ? {} : { partsDone: event.item.progress.partsDone }),
            });
            break;
          case 'network':
            events.push({ type: event.type, online: event.online });
            break;
          case 'storeError':
            events.push({ type: event.type, error: event.error.message });
        }
      },
    });
    return queue.restored;
  },

  async add({ size, partSize }) {
    const bytes = new Uint8Array(size);
    for (let offset = 0; offset < size; offset += RANDOM_CHUNK) {
      crypto.getRandomValues(bytes.subarray(offset, Math.min(offset + RANDOM_CHUNK, size)));
    }
    const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
    const item = await opened().add(new File([bytes], 'clip.mp4', { type: 'video/mp4' }), { partSize });
    return { item, sha256: Array.from(digest, (byte) => byte.toString(16).padStart(2, '0')).join('') };
  },

  events: () => events,

  async whenIdle() {
    await opened().whenIdle();
    return opened().items();
  },
};

(globalThis as typeof globalThis & { queuePage: QueuePageApi }).queuePage = api;
