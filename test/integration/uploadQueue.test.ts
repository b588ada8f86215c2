import type { S3Client } from '@aws-sdk/client-s3';
import { createHash, randomFillSync } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FetchFunction } from '../../client/apiTransport.js';
import {
  createClient,
  createJsonFileStore,
  createOnlineSignal,
  createUploadQueue,
  type OnlineSignal,
  type QueueStore,
  type UploadQueueEvent,
} from '../../client/node/index.js';
import type { LocalMode } from '../../local/startLocal.js';
import { startTestLocal, type TestLocal } from './support/startTestLocal.js';
import { callApi, emulatorS3, readObject } from './support/localHttp.js';

const MiB = 1024 * 1024;
/** Three parts of S3's smallest size, the last one short. */
const SIZE = 12 * MiB + 4_321;
const PART_SIZE = 5 * MiB;
/** Bounds each wait for a part to be stored: generous for a loaded 2-core machine, never endless. */
const PART_WAIT = { timeout: 60_000, interval: 20 };

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

describe('the upload queue in Node against local mode', () => {
  let local: LocalMode;
  let testLocal: TestLocal;
  let dir: string;
  let token: string;
  let s3: S3Client;

  beforeAll(async () => {
    testLocal = await startTestLocal('upload-queue', {
      // What happens after the upload is the pipeline's, not the queue's: no ffmpeg needed here.
      processUploads: false,
    });
    ({ local, dir } = testLocal);
    token = await local.mintToken('queue-it');
    s3 = emulatorS3(local);
  });

  afterAll(async () => {
    s3?.destroy();
    await testLocal?.stop();
  });

  async function newFile(name: string): Promise<{ path: string; hash: string }> {
    const bytes = randomFillSync(Buffer.alloc(SIZE));
    const path = join(dir, name);
    await writeFile(path, bytes);
    return { path, hash: sha256(bytes) };
  }

  /** A queue over `store` whose client counts the part PUTs it makes; `onPartStored` runs before the SDK sees S3's answer. */
  function queueOver(store: QueueStore<string>, options: { online?: OnlineSignal; onPartStored?: (partNumber: number) => void } = {}) {
    const partsPut: number[] = [];
    const fetch: FetchFunction = async (input, init) => {
      const response = await globalThis.fetch(input, init);
      if (init?.method === 'PUT') {
        const partNumber = Number(new URL(input).searchParams.get('partNumber'));
        partsPut.push(partNumber);
        if (response.ok) options.onPartStored?.(partNumber);
      }
      return response;
    };
    const events: UploadQueueEvent[] = [];
    const queue = createUploadQueue({
      client: createClient({ apiUrl: local.apiUrl, token, fetch, webSocket: null }),
      store,
      ...(options.online ? { online: options.online } : {}),
      transfer: { concurrency: 1 },
      onEvent: (event) => events.push(event),
    });
    return { queue, partsPut, events };
  }

  async function heldParts(uploadId: string): Promise<number[]> {
    const upload = await callApi(local, 'GET', `/uploads/${uploadId}`, { token });
    return (upload.body.uploadedParts as { partNumber: number }[]).map((part) => part.partNumber);
  }

  it('after a restart, a new queue over the same JSON file resumes the upload and sends only the parts S3 lacks', async () => {
    const { path, hash } = await newFile('restart.mp4');
    const storePath = join(dir, 'restart-queue.json');
    let closing: Promise<void> | undefined;
    const first = queueOver(createJsonFileStore(storePath), {
      // The process "dies" once S3 holds the first part: every upload is stopped where it is.
      onPartStored: () => {
        closing ??= first.queue.close();
      },
    });
    const added = await first.queue.add(path, { partSize: PART_SIZE });
    await expect.poll(() => closing !== undefined, PART_WAIT).toBe(true);
    await closing;
    const uploadId = first.queue.items()[0]?.uploadId as string;
    expect(first.partsPut).toEqual([1]);
    const kept = JSON.parse(await readFile(storePath, 'utf8'));
    expect(kept.items).toMatchObject([{ id: added.id, source: path, uploadId, filename: 'restart.mp4', contentType: 'video/mp4', size: SIZE }]);
    expect(await heldParts(uploadId)).toEqual([1]);

    const second = queueOver(createJsonFileStore(storePath));
    const restored = await second.queue.restored;
    await second.queue.whenIdle();

    expect(restored).toMatchObject([{ id: added.id, uploadId }]);
    expect(second.partsPut).toEqual([2, 3]);
    expect(second.events.at(-1)).toMatchObject({ type: 'state', item: { state: 'uploaded', record: { uploadId, status: 'uploaded', size: SIZE } } });
    expect(sha256(await readObject(s3, local.uploadsBucket, `uploads/${uploadId}/source`))).toBe(hash);
    expect(JSON.parse(await readFile(storePath, 'utf8')).items).toEqual([]);
  });

  it('pauses while the app says it is offline and, back online, sends only the parts S3 lacks', async () => {
    const { path, hash } = await newFile('offline.mp4');
    const online = createOnlineSignal(true);
    let wentOffline = false;
    const { queue, partsPut } = queueOver(createJsonFileStore(join(dir, 'offline-queue.json')), {
      online,
      onPartStored: () => {
        if (wentOffline) return;
        wentOffline = true;
        online.set(false);
      },
    });

    await queue.add(path, { partSize: PART_SIZE });
    await expect.poll(() => queue.items()[0]?.state, PART_WAIT).toBe('paused');
    const uploadId = queue.items()[0]?.uploadId as string;
    expect(partsPut).toEqual([1]);

    online.set(true);
    await queue.whenIdle();
    expect(partsPut).toEqual([1, 2, 3]);
    expect(sha256(await readObject(s3, local.uploadsBucket, `uploads/${uploadId}/source`))).toBe(hash);
    await queue.close();
  });

  it('reports a store it cannot write (its folder is missing) and uploads the file all the same', async () => {
    const { path, hash } = await newFile('unkept.mp4');
    const { queue, events } = queueOver(createJsonFileStore(join(dir, 'no-such-folder', 'queue.json')));

    const added = await queue.add(path, { partSize: PART_SIZE });
    await queue.whenIdle();

    expect(added.persisted).toBe(false);
    const storeErrors = events.flatMap((event) => (event.type === 'storeError' ? [event.error] : []));
    expect(storeErrors.length).toBeGreaterThan(0);
    expect(storeErrors[0]).toMatchObject({ name: 'QueueStoreError', operation: 'put', itemId: added.id, message: expect.stringContaining('ENOENT') });
    const done = events.at(-1);
    expect(done).toMatchObject({ type: 'state', item: { state: 'uploaded', record: { status: 'uploaded' } } });
    const uploadId = done?.type === 'state' ? (done.item.uploadId as string) : '';
    expect(sha256(await readObject(s3, local.uploadsBucket, `uploads/${uploadId}/source`))).toBe(hash);
    await queue.close();
  });
});
