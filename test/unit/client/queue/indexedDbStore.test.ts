import { IDBFactory, IDBObjectStore } from 'fake-indexeddb';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createClient } from '../../../../client/createClient.js';
import { createIndexedDbStore } from '../../../../client/queue/indexedDbStore.js';
import { createOnlineSignal } from '../../../../client/queue/OnlineSignal.js';
import type { QueueRecord } from '../../../../client/queue/QueueStore.js';
import { createUploadQueue } from '../../../../client/queue/createUploadQueue.js';
import type { UploadQueueEvent } from '../../../../client/queue/UploadQueue.js';
import { API_URL, FakePipeline, patternBytes } from '../fakePipeline.js';

function record(id: string, bytes: Uint8Array<ArrayBuffer>, extra: Partial<QueueRecord<Blob>> = {}): QueueRecord<Blob> {
  return {
    id,
    source: new Blob([bytes], { type: 'audio/mpeg' }),
    filename: `${id}.mp3`,
    contentType: 'audio/mpeg',
    size: bytes.length,
    addedAt: '2026-11-28T10:00:00.000Z',
    ...extra,
  };
}

/** What load() gave back, with each Blob read, so records compare by their bytes. */
async function readBack(records: readonly QueueRecord<Blob>[]) {
  const read = await Promise.all(records.map(async ({ source, ...rest }) => ({ ...rest, bytes: new Uint8Array(await source.arrayBuffer()) })));
  return read.sort((a, b) => a.id.localeCompare(b.id));
}

describe('createIndexedDbStore', () => {
  beforeEach(() => {
    // Each test gets an empty IndexedDB, as a fresh browser profile would.
    vi.stubGlobal('indexedDB', new IDBFactory());
  });

  afterEach(() => {
    vi.unstubAllGlobals();
    vi.restoreAllMocks();
  });

  it('gives back every record put, with the bytes of its Blob, to a store opened later (a page reload)', async () => {
    const first = createIndexedDbStore();
    const song = patternBytes(10);
    const talk = patternBytes(7);
    await first.put(record('a', song, { uploadId: 'up1', metadata: { title: 'Song' }, partSize: 4 }));
    await first.put(record('b', talk, { error: { name: 'ApiError', code: 'HTTP_503', message: 'Service Unavailable', attempts: 15 } }));

    const reloaded = await createIndexedDbStore().load();

    expect(await readBack(reloaded)).toEqual([
      { id: 'a', filename: 'a.mp3', contentType: 'audio/mpeg', size: 10, addedAt: '2026-11-28T10:00:00.000Z', uploadId: 'up1', metadata: { title: 'Song' }, partSize: 4, bytes: song },
      { id: 'b', filename: 'b.mp3', contentType: 'audio/mpeg', size: 7, addedAt: '2026-11-28T10:00:00.000Z', error: { name: 'ApiError', code: 'HTTP_503', message: 'Service Unavailable', attempts: 15 }, bytes: talk },
    ]);
    const opened = await createIndexedDbStore().open(reloaded[0]!.source);
    expect(opened.source.size).toBe(10);
  });

  it('replaces a record put again under its id, and forgets a deleted one', async () => {
    const store = createIndexedDbStore();
    const bytes = patternBytes(10);
    await store.put(record('a', bytes));
    await store.put(record('b', bytes));

    await store.put(record('a', bytes, { uploadId: 'up1' }));
    await store.delete('b');
    await store.delete('never-put');

    expect((await store.load()).map(({ id, uploadId }) => ({ id, uploadId }))).toEqual([{ id: 'a', uploadId: 'up1' }]);
  });

  it('keeps stores of different database names apart', async () => {
    const alice = createIndexedDbStore({ databaseName: 'uploads-alice' });
    const bob = createIndexedDbStore({ databaseName: 'uploads-bob' });
    await alice.put(record('a', patternBytes(10)));
    await bob.put(record('b', patternBytes(10)));

    await bob.delete('a');

    expect((await alice.load()).map((kept) => kept.id)).toEqual(['a']);
    expect((await bob.load()).map((kept) => kept.id)).toEqual(['b']);
    expect((await createIndexedDbStore().load()).map((kept) => kept.id)).toEqual([]);
  });

  describe('when IndexedDB refuses to write (the origin is over its storage quota)', () => {
    beforeEach(() => {
      // A browser aborts the write's transaction with QuotaExceededError; idb-keyval rejects with it.
      vi.spyOn(IDBObjectStore.prototype, 'put').mockImplementation(() => {
        throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
      });
    });

    it('rejects the put with the quota error and keeps nothing of it', async () => {
      const store = createIndexedDbStore();

      await expect(store.put(record('a', patternBytes(10)))).rejects.toMatchObject({ name: 'QuotaExceededError' });

      expect(await store.load()).toEqual([]);
    });

    it('the queue reports it and uploads the file from memory all the same', async () => {
      const fake = new FakePipeline();
      const events: UploadQueueEvent[] = [];
      const bytes = patternBytes(10);
      const queue = createUploadQueue({
        client: createClient({ apiUrl: API_URL, token: fake.token, fetch: fake.fetch, webSocket: null }),
        store: createIndexedDbStore(),
        online: createOnlineSignal(true),
        transfer: { concurrency: 1, retries: 0 },
        onEvent: (event) => events.push(event),
      });

      const added = await queue.add(new File([bytes], 'song.mp3', { type: 'audio/mpeg' }));
      await queue.whenIdle();

      expect(added.persisted).toBe(false);
      const storeErrors = events.flatMap((event) => (event.type === 'storeError' ? [event.error] : []));
      // The record kept before it started and the one with its upload id; forgetting it once uploaded needs no room.
      expect(storeErrors.map((error) => error.operation)).toEqual(['put', 'put']);
      expect(storeErrors[0]?.message).toBe(
        `The upload queue's store could not put item ${added.id} (The quota has been exceeded.); the queue goes on without keeping it`,
      );
      expect(fake.bytesOf('up1')).toEqual(Buffer.from(bytes));
      expect(await createIndexedDbStore().load()).toEqual([]);
    });
  });
});
