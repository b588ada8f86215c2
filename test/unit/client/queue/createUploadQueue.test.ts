import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createClient } from '../../../../client/createClient.js';
import { QueueStoreError } from '../../../../client/errors.js';
import { createUploadQueue } from '../../../../client/queue/createUploadQueue.js';
import type { QueueItem, QueueItemState, UploadQueue, UploadQueueEvent, UploadQueueOptions } from '../../../../client/queue/UploadQueue.js';
import { createOnlineSignal, type SettableOnlineSignal } from '../../../../client/queue/OnlineSignal.js';
import type { QueueRecord, QueueStore } from '../../../../client/queue/QueueStore.js';
import { API_URL, FakePipeline, json, patternBytes, xmlError } from '../fakePipeline.js';

const FAST = { baseMs: 1, maxMs: 2 };

/** A queue store in memory that a test can break: each failing operation rejects like a full disk. */
class FakeStore implements QueueStore<Blob> {
  readonly records = new Map<string, QueueRecord<Blob>>();
  readonly writes: string[] = [];
  failLoad = false;
  failWrites = false;

  async load(): Promise<QueueRecord<Blob>[]> {
    if (this.failLoad) throw new Error('the disk is gone');
    return [...this.records.values()];
  }

  async put(record: QueueRecord<Blob>): Promise<void> {
    this.writes.push(`put ${record.uploadId ?? 'no upload'}${record.error ? ` ${record.error.code}` : ''}`);
    if (this.failWrites) throw new Error('QuotaExceededError');
    this.records.set(record.id, record);
  }

  async delete(id: string): Promise<void> {
    this.writes.push('delete');
    if (this.failWrites) throw new Error('QuotaExceededError');
    this.records.delete(id);
  }

  async open(blob: Blob) {
    return { source: blob };
  }

  only(): QueueRecord<Blob> {
    const [record, ...others] = this.records.values();
    if (!record || others.length > 0) throw new Error(`expected one stored record, found ${this.records.size}`);
    return record;
  }
}

/** 10 bytes in 4-byte parts: three parts, the last one short. */
function file(name = 'song.mp3', size = 10): { file: File; bytes: Uint8Array<ArrayBuffer> } {
  const bytes = patternBytes(size);
  return { file: new File([bytes], name, { type: 'audio/mpeg' }), bytes };
}

type QueueSettings = Partial<Pick<UploadQueueOptions<Blob>, 'retryDelay' | 'maxAttempts' | 'concurrency'>>;

function setup(options: { store?: FakeStore; online?: SettableOnlineSignal; fake?: FakePipeline; queue?: QueueSettings } = {}) {
  const fake = options.fake ?? new FakePipeline();
  const store = options.store ?? new FakeStore();
  const online = options.online ?? createOnlineSignal(true);
  const events: UploadQueueEvent[] = [];
  const client = createClient({ apiUrl: API_URL, token: fake.token, fetch: fake.fetch, retryDelay: FAST, webSocket: null });
  const queue = createUploadQueue({
    client,
    store,
    online,
    retryDelay: FAST,
    transfer: { concurrency: 1, retries: 0 },
    onEvent: (event) => events.push(event),
    ...options.queue,
  });
  const states = () => events.flatMap((event) => (event.type === 'state' ? [event.item.state] : []));
  return { fake, store, online, events, queue, client, states };
}

const partNumbers = (fake: FakePipeline) => fake.puts.map((put) => put.partNumber);

describe('createUploadQueue', () => {
  it('keeps a file in the store before it starts, with its upload id once created, and forgets it once uploaded', async () => {
    const { fake, store, queue, events, states } = setup();
    const { file: song, bytes } = file();

    const added = await queue.add(song, { metadata: { title: 'Song' } });
    await queue.whenIdle();

    expect(added).toMatchObject({ filename: 'song.mp3', contentType: 'audio/mpeg', size: 10, persisted: true });
    expect(store.writes).toEqual(['put no upload', 'put up1', 'delete']);
    expect(store.records.size).toBe(0);
    expect(states()).toEqual(['queued', 'uploading', 'uploading', 'uploaded']);
    const done = events.at(-1);
    expect(done).toMatchObject({ type: 'state', item: { state: 'uploaded', uploadId: 'up1', record: { status: 'uploaded' } } });
    expect(events.filter((event) => event.type === 'progress').map((event) => (event.type === 'progress' ? event.item.progress?.partsDone : -1))).toEqual([0, 1, 2, 3]);
    expect(fake.bytesOf('up1')).toEqual(Buffer.from(bytes));
    expect(fake.upload('up1').metadata).toEqual({ title: 'Song' });
    expect(queue.items()).toEqual([]);
  });

  it('uploads files one at a time in the order added', async () => {
    const { fake, queue } = setup();

    await queue.add(file('a.mp3').file);
    await queue.add(file('b.mp3').file);
    await queue.whenIdle();

    expect(fake.callsTo('POST', /^\/uploads$/).map((call) => (call.body as { filename: string }).filename)).toEqual(['a.mp3', 'b.mp3']);
    expect(fake.maxPutsInFlight).toBe(1);
  });

  it('holds files added while offline, sending nothing, and uploads them once back online', async () => {
    const { fake, queue, online, states } = setup({ online: createOnlineSignal(false) });

    const added = await queue.add(file().file);

    expect(added.state).toBe('paused');
    expect(fake.apiCalls).toEqual([]);
    online.set(true);
    await queue.whenIdle();
    expect(states()).toEqual(['paused', 'queued', 'uploading', 'uploading', 'uploaded']);
    expect(fake.upload('up1').status).toBe('uploaded');
  });

  it('pauses mid-upload when the connection drops and, back online, sends only the parts S3 lacks', async () => {
    const { fake, queue, online, states, events } = setup();
    const { file: song, bytes } = file();
    // Once: the resumed upload reports the part S3 holds as done at its start.
    const unsubscribe = queue.subscribe((event) => {
      if (event.type === 'progress' && event.item.progress?.partsDone === 1) {
        unsubscribe();
        online.set(false);
      }
    });

    await queue.add(song);
    await expect.poll(() => queue.items()[0]?.state).toBe('paused');
    expect(partNumbers(fake)).toEqual([1]);

    online.set(true);
    await queue.whenIdle();
    expect(partNumbers(fake)).toEqual([1, 2, 3]);
    expect(fake.callsTo('POST', /^\/uploads$/)).toHaveLength(1);
    expect(fake.bytesOf('up1')).toEqual(Buffer.from(bytes));
    expect(states()).toEqual(['queued', 'uploading', 'uploading', 'paused', 'queued', 'uploading', 'uploaded']);
    expect(events.filter((event) => event.type === 'network')).toEqual([
      { type: 'network', online: false },
      { type: 'network', online: true },
    ]);
  });

  it('after a restart, a new queue over the same store resumes the upload and sends only the missing parts', async () => {
    const store = new FakeStore();
    const first = setup({ store });
    const { file: song, bytes } = file();
    first.queue.subscribe((event) => {
      if (event.type === 'progress' && event.item.progress?.partsDone === 1) void first.queue.close();
    });
    await first.queue.add(song);
    await expect.poll(() => store.only().uploadId).toBe('up1');
    await first.queue.close();
    expect(partNumbers(first.fake)).toEqual([1]);

    const second = setup({ store, fake: first.fake });
    const restored = await second.queue.restored;
    await second.queue.whenIdle();

    expect(restored).toMatchObject([{ filename: 'song.mp3', uploadId: 'up1', state: 'queued', persisted: true }]);
    expect(partNumbers(first.fake)).toEqual([1, 2, 3]);
    expect(first.fake.callsTo('POST', /^\/uploads$/)).toHaveLength(1);
    expect(first.fake.bytesOf('up1')).toEqual(Buffer.from(bytes));
    expect(store.records.size).toBe(0);
  });

  it('starts a new upload when the one it resumes expired while the app was closed', async () => {
    const store = new FakeStore();
    const { fake, queue: first } = setup({ store, online: createOnlineSignal(false) });
    const { file: song, bytes } = file();
    await first.add(song);
    await first.close();
    const created = await createClient({ apiUrl: API_URL, token: fake.token, fetch: fake.fetch, webSocket: null }).createUpload({
      filename: 'song.mp3',
      contentType: 'audio/mpeg',
      size: 10,
    });
    await store.put({ ...store.only(), uploadId: created.uploadId });
    fake.upload(created.uploadId).status = 'expired';

    const { queue } = setup({ store, fake });
    await queue.whenIdle();

    expect(fake.callsTo('POST', /^\/uploads$/)).toHaveLength(2);
    expect(fake.upload('up2').status).toBe('uploaded');
    expect(fake.bytesOf('up2')).toEqual(Buffer.from(bytes));
    expect(store.records.size).toBe(0);
  });

  it('waits out failures worth retrying (5xx, no answer) and tries again until the file is uploaded', async () => {
    const { fake, queue, events } = setup();
    let refusals = 2;
    fake.onApi = (call) => (call.method === 'POST' && call.path === '/uploads' && refusals-- > 0 ? json(503, { message: 'Service Unavailable' }) : undefined);

    await queue.add(file().file);
    await queue.whenIdle();

    const waits = events.flatMap((event) => (event.type === 'state' && event.item.state === 'queued' && event.item.error ? [event.item.error] : []));
    expect(waits).toEqual([
      expect.objectContaining({ name: 'ApiError', message: expect.any(String) }),
      expect.objectContaining({ name: 'ApiError' }),
    ]);
    expect(fake.upload('up1').status).toBe('uploaded');
  });

  it('after a connection lost without an offline event (a part gets no answer), tries again and sends only the parts S3 lacks', async () => {
    const { fake, queue, events } = setup();
    const { file: song, bytes } = file();
    let drops = 1;
    fake.onPut = (put) => {
      if (put.partNumber === 2 && drops-- > 0) throw new TypeError('fetch failed');
      return undefined;
    };

    await queue.add(song);
    await queue.whenIdle();

    expect(partNumbers(fake)).toEqual([1, 2, 2, 3]);
    expect(fake.callsTo('POST', /^\/uploads$/)).toHaveLength(1);
    expect(events).toContainEqual({ type: 'state', item: expect.objectContaining({ state: 'queued', error: expect.objectContaining({ code: 'PART_FAILED' }) }) });
    expect(fake.bytesOf('up1')).toEqual(Buffer.from(bytes));
  });

  it('keeps a file that failed for good as failed, also across a restart, until retried', async () => {
    const store = new FakeStore();
    const { fake, queue } = setup({ store });
    fake.onApi = (call) =>
      call.method === 'POST' && call.path === '/uploads' ? json(403, { error: { code: 'QUOTA_EXCEEDED', message: 'Too many unfinished uploads (10 of 10)' } }) : undefined;

    await queue.add(file().file);
    await queue.whenIdle();
    expect(queue.items()).toMatchObject([{ state: 'failed', error: { name: 'ApiError', code: 'QUOTA_EXCEEDED' } }]);
    expect(store.only().error).toMatchObject({ code: 'QUOTA_EXCEEDED' });
    await queue.close();

    fake.onApi = undefined;
    const restarted = setup({ store, fake });
    const [item] = await restarted.queue.restored;
    expect(item).toMatchObject({ state: 'failed', error: { code: 'QUOTA_EXCEEDED' } });
    restarted.queue.retry(item!.id);
    await restarted.queue.whenIdle();
    expect(fake.upload('up1').status).toBe('uploaded');
    expect(store.records.size).toBe(0);
  });

  it('fails a file whose size changed since it was queued, instead of uploading other bytes', async () => {
    const store = new FakeStore();
    const { queue: first } = setup({ store, online: createOnlineSignal(false) });
    await first.add(file('song.mp3', 10).file);
    await first.close();
    await store.put({ ...store.only(), source: file('song.mp3', 12).file });

    const { fake, queue } = setup({ store });
    await queue.whenIdle();

    expect(queue.items()).toMatchObject([{ state: 'failed', error: { code: 'SIZE_MISMATCH', message: 'song.mp3 was 10 bytes when queued and is 12 bytes now' } }]);
    expect(fake.apiCalls).toEqual([]);
  });

  it('refuses a source it cannot name, queueing and storing nothing', async () => {
    const { fake, store, queue } = setup();

    await expect(queue.add(new Blob([patternBytes(10)]))).rejects.toThrow('The queue needs a filename: pass options.filename or add a File or a path');
    await expect(queue.add(new Blob([patternBytes(10)]), { filename: 'notes.xyz' })).rejects.toThrow('Cannot tell the content type of "notes.xyz"');

    expect(queue.items()).toEqual([]);
    expect(store.writes).toEqual([]);
    expect(fake.apiCalls).toEqual([]);
  });

  it('removes a file mid-upload: stops it, forgets it and deletes its unfinished upload', async () => {
    const { fake, store, queue, events } = setup();
    queue.subscribe((event) => {
      if (event.type === 'progress' && event.item.progress?.partsDone === 1) void queue.remove(event.item.id);
    });

    await queue.add(file().file);
    await expect.poll(() => fake.callsTo('DELETE', /^\/uploads\/up1$/)).toHaveLength(1);

    expect(events.at(-1)).toMatchObject({ type: 'removed', item: { uploadId: 'up1' } });
    expect(fake.upload('up1').status).toBe('cancelled');
    expect(partNumbers(fake)).toEqual([1]);
    expect(store.records.size).toBe(0);
    expect(queue.items()).toEqual([]);
  });

  describe('with a store that cannot be written', () => {
    it('reports every failed write and uploads the file from memory all the same', async () => {
      const store = new FakeStore();
      store.failWrites = true;
      const { fake, queue, events } = setup({ store });
      const { file: song, bytes } = file();

      const added = await queue.add(song);
      await queue.whenIdle();

      expect(added.persisted).toBe(false);
      const storeErrors = events.flatMap((event) => (event.type === 'storeError' ? [event.error] : []));
      expect(storeErrors.map((error) => [error.operation, error.itemId])).toEqual([
        ['put', added.id],
        ['put', added.id],
        ['delete', added.id],
      ]);
      expect(storeErrors[0]).toBeInstanceOf(QueueStoreError);
      expect(storeErrors[0]?.message).toBe(
        `The upload queue's store could not put item ${added.id} (QuotaExceededError); the queue goes on without keeping it`,
      );
      expect(fake.bytesOf('up1')).toEqual(Buffer.from(bytes));
    });

    it('after a failed load, writes nothing (so it cannot overwrite what it could not read) and still uploads', async () => {
      const store = new FakeStore();
      store.failLoad = true;
      const { fake, queue, events } = setup({ store });

      await queue.restored;
      await queue.add(file().file);
      await queue.whenIdle();

      expect(events.filter((event) => event.type === 'storeError').map((event) => event.type === 'storeError' && event.error.operation)).toEqual(['load']);
      expect(store.writes).toEqual([]);
      expect(fake.upload('up1').status).toBe('uploaded');
    });
  });

  describe('when the pipeline keeps failing (timers faked)', () => {
    /** Waits that double from 1 s, so a test can tell each one apart. */
    const SECONDS = { baseMs: 1_000, maxMs: 60_000 };
    const unavailable = () => json(503, { message: 'Service Unavailable' });
    const isCreate = (call: { method: string; path: string }) => call.method === 'POST' && call.path === '/uploads';

    /**
     * The next state event whose item matches: subscribed before the step that causes it, and
     * free of timers, so the faked clock moves only when a test moves it.
     */
    function next(queue: UploadQueue<Blob>, matches: (item: QueueItem) => boolean): Promise<QueueItem> {
      return new Promise((resolve) => {
        const unsubscribe = queue.subscribe((event) => {
          if (event.type !== 'state' || !matches(event.item)) return;
          unsubscribe();
          resolve(event.item);
        });
      });
    }
    const failedAttempts = (attempts: number) => (item: QueueItem) => item.error?.attempts === attempts;
    const inState = (state: QueueItemState) => (item: QueueItem) => item.state === state;

    beforeEach(() => {
      vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
      // Jitter at its top: every wait is the whole exponential step (2 s, 4 s, 8 s, … for 2 s).
      vi.spyOn(Math, 'random').mockReturnValue(1);
    });

    afterEach(() => {
      vi.useRealTimers();
      vi.restoreAllMocks();
    });

    it('tries again after waits that double, then fails the file with the last error and its count, kept in the store', async () => {
      const { fake, store, queue, events } = setup({ queue: { retryDelay: SECONDS, maxAttempts: 4 } });
      fake.onApi = (call) => (isCreate(call) ? unavailable() : undefined);
      const creates = () => fake.callsTo('POST', /^\/uploads$/).length;

      let waiting = next(queue, failedAttempts(1));
      await queue.add(file().file);
      for (const [attempt, wait] of [[1, 1_000], [2, 2_000], [3, 4_000]] as const) {
        expect(await waiting).toMatchObject({ state: 'queued' });
        waiting = next(queue, failedAttempts(attempt + 1));
        await vi.advanceTimersByTimeAsync(wait - 1);
        expect(creates()).toBe(attempt);
        await vi.advanceTimersByTimeAsync(1);
      }

      const failure = { name: 'ApiError', code: 'HTTP_503', message: 'Service Unavailable', attempts: 4 };
      expect(await waiting).toMatchObject({ state: 'failed', error: failure });
      expect(events.at(-1)).toMatchObject({ type: 'state', item: { state: 'failed', error: failure } });
      await queue.whenIdle();
      expect(store.only().error).toEqual(failure);
      await vi.advanceTimersByTimeAsync(3_600_000);
      expect(creates()).toBe(4);
    });

    it('by default gives up after 15 attempts, 10 minutes of waits at most', async () => {
      const { fake, queue } = setup({ queue: { retryDelay: undefined } });
      fake.onApi = (call) => (isCreate(call) ? unavailable() : undefined);

      const fourteenth = next(queue, failedAttempts(14));
      const failed = next(queue, inState('failed'));
      await queue.add(file().file);
      // 2 + 4 + 8 + 16 + 32 s, then 60 s nine times: 602 s with the jitter at its top, 301 s at its bottom.
      await vi.advanceTimersByTimeAsync(601_999);
      await fourteenth;
      expect(fake.callsTo('POST', /^\/uploads$/)).toHaveLength(14);
      await vi.advanceTimersByTimeAsync(1);

      expect(await failed).toMatchObject({ error: { code: 'HTTP_503', attempts: 15 } });
      expect(fake.callsTo('POST', /^\/uploads$/)).toHaveLength(15);
    });

    it('waits as long as the API asks (Retry-After) when that is longer than its own wait', async () => {
      const { fake, queue } = setup({ queue: { retryDelay: SECONDS } });
      let refusals = 1;
      fake.onApi = (call) =>
        isCreate(call) && refusals-- > 0
          ? new Response(JSON.stringify({ error: { code: 'RATE_LIMITED', message: 'Too many uploads this hour (60 of 60)' } }), {
              status: 429,
              headers: { 'content-type': 'application/json', 'retry-after': '120' },
            })
          : undefined;

      const limited = next(queue, (item) => item.error?.code === 'RATE_LIMITED');
      await queue.add(file().file);
      await limited;
      await vi.advanceTimersByTimeAsync(119_999);
      expect(fake.callsTo('POST', /^\/uploads$/)).toHaveLength(1);
      const uploaded = next(queue, inState('uploaded'));
      await vi.advanceTimersByTimeAsync(1);

      await uploaded;
      expect(fake.upload('up1').status).toBe('uploaded');
    });

    it('lets the next file upload while one waits out its failures, and after it failed', async () => {
      const { fake, queue } = setup({ queue: { retryDelay: SECONDS, maxAttempts: 3 } });
      fake.onApi = (call) => (isCreate(call) && (call.body as { filename: string }).filename === 'broken.mp3' ? unavailable() : undefined);

      const nextUploaded = next(queue, inState('uploaded'));
      const broken = await queue.add(file('broken.mp3').file);
      await queue.add(file('next.mp3').file);
      expect(await nextUploaded).toMatchObject({ filename: 'next.mp3' });
      expect(queue.items()).toMatchObject([{ id: broken.id, state: 'queued', error: { attempts: 1 } }]);

      const failed = next(queue, inState('failed'));
      await vi.advanceTimersByTimeAsync(1_000 + 2_000);
      expect(await failed).toMatchObject({ id: broken.id, error: { attempts: 3 } });
      await queue.add(file('after.mp3').file);
      await queue.whenIdle();
      expect(fake.upload('up2')).toMatchObject({ filename: 'after.mp3', status: 'uploaded' });
    });

    it.each([
      [400, 'INVALID_REQUEST'],
      [403, 'QUOTA_EXCEEDED'],
      [404, 'NOT_FOUND'],
      [409, 'INVALID_STATE'],
      [413, 'TOO_LARGE'],
      [422, 'SIZE_MISMATCH'],
    ])('fails a file at once, without waiting or trying again, on a %i %s', async (status, code) => {
      const { fake, store, queue } = setup({ queue: { retryDelay: SECONDS } });
      fake.onApi = (call) => (isCreate(call) ? json(status, { error: { code, message: `refused with ${code}` } }) : undefined);

      await queue.add(file().file);
      await queue.whenIdle();
      await vi.advanceTimersByTimeAsync(3_600_000);

      expect(queue.items()).toMatchObject([{ state: 'failed', error: { name: 'ApiError', code, message: `refused with ${code}` } }]);
      expect(queue.items()[0]?.error).not.toHaveProperty('attempts');
      expect(store.only().error?.code).toBe(code);
      expect(fake.callsTo('POST', /^\/uploads$/)).toHaveLength(1);
    });

    it('tries again through a resume when complete finds parts missing (a 422 the upload survives)', async () => {
      const { fake, queue } = setup({ queue: { retryDelay: SECONDS } });
      let refusals = 1;
      fake.onApi = (call) =>
        call.method === 'POST' && call.path === '/uploads/up1/complete' && refusals-- > 0
          ? json(422, { error: { code: 'PARTS_MISSING', message: '1 of 3 parts are not uploaded yet: 2' } })
          : undefined;

      const missing = next(queue, failedAttempts(1));
      await queue.add(file().file);
      expect(await missing).toMatchObject({ state: 'queued', error: { code: 'PARTS_MISSING' } });
      const uploaded = next(queue, inState('uploaded'));
      await vi.advanceTimersByTimeAsync(1_000);

      await uploaded;
      expect(fake.upload('up1').status).toBe('uploaded');
      expect(fake.callsTo('POST', /^\/uploads$/)).toHaveLength(1);
    });

    it('does not count an attempt stopped by going offline', async () => {
      const { fake, queue, online } = setup({ queue: { retryDelay: SECONDS, maxAttempts: 2 } });
      let creates = 0;
      fake.onApi = (call) => {
        if (!isCreate(call)) return undefined;
        creates += 1;
        // The second attempt is under way when the device goes offline.
        if (creates === 2) online.set(false);
        return unavailable();
      };

      const first = next(queue, failedAttempts(1));
      await queue.add(file().file);
      await first;
      const paused = next(queue, inState('paused'));
      await vi.advanceTimersByTimeAsync(1_000);
      await paused;
      const failed = next(queue, inState('failed'));
      online.set(true);

      expect(await failed).toMatchObject({ error: { attempts: 2 } });
      expect(creates).toBe(3);
    });

    it('does not count a failure with no answer that the offline event follows; one the pipeline answered still counts', async () => {
      const { fake, queue, online } = setup({ queue: { retryDelay: SECONDS } });
      const answers: ('none' | 'unavailable')[] = ['none', 'unavailable', 'unavailable'];
      fake.onApi = (call) => {
        if (!isCreate(call)) return undefined;
        if (answers.shift() === 'none') throw new TypeError('fetch failed');
        return unavailable();
      };

      const unanswered = next(queue, failedAttempts(1));
      await queue.add(file().file);
      expect(await unanswered).toMatchObject({ error: { name: 'NetworkError' } });
      online.set(false);
      expect(queue.items()[0]).toMatchObject({ state: 'paused' });
      expect(queue.items()[0]).not.toHaveProperty('error');

      // Back online it goes at once, and its 503 is the first failure counted.
      let answered = next(queue, failedAttempts(1));
      online.set(true);
      expect(await answered).toMatchObject({ state: 'queued', error: { code: 'HTTP_503' } });
      online.set(false);
      answered = next(queue, failedAttempts(2));
      online.set(true);
      expect(await answered).toMatchObject({ state: 'queued', error: { code: 'HTTP_503' } });
    });

    it('starts the count anew after an attempt that got a part into S3, so a slow but moving upload is not given up', async () => {
      const { fake, queue } = setup({ queue: { retryDelay: SECONDS, maxAttempts: 2 } });
      const { file: song, bytes } = file();
      // Each attempt sends one part, then the next one gets a 503.
      const refused = new Set([2, 3]);
      fake.onPut = (put) => (refused.delete(put.partNumber) ? xmlError(503, 'SlowDown', 'Please reduce your request rate.') : undefined);

      const waitingOutPart = (item: QueueItem) => item.state === 'queued' && item.error?.code === 'PART_FAILED';
      let waiting = next(queue, waitingOutPart);
      await queue.add(song);
      expect(await waiting).toMatchObject({ error: { attempts: 1 } });
      waiting = next(queue, waitingOutPart);
      await vi.advanceTimersByTimeAsync(1_000);
      expect(await waiting).toMatchObject({ error: { attempts: 1 } });
      const uploaded = next(queue, inState('uploaded'));
      await vi.advanceTimersByTimeAsync(1_000);

      await uploaded;
      expect(partNumbers(fake)).toEqual([1, 2, 2, 3, 3]);
      expect(fake.bytesOf('up1')).toEqual(Buffer.from(bytes));
    });

    it('keeps a file it gave up on across a restart; retry(id) tries it again with every attempt anew, remove(id) forgets it', async () => {
      const store = new FakeStore();
      const settings = { retryDelay: SECONDS, maxAttempts: 2 };
      const first = setup({ store, queue: settings });
      first.fake.onApi = (call) => (isCreate(call) ? unavailable() : undefined);
      await first.queue.add(file('a.mp3').file);
      await first.queue.add(file('b.mp3').file);
      const idle = first.queue.whenIdle();
      await vi.advanceTimersByTimeAsync(1_000);
      await idle;
      await first.queue.close();

      const second = setup({ store, fake: first.fake, queue: settings });
      const [a, b] = await second.queue.restored;
      expect([a, b]).toMatchObject([
        { filename: 'a.mp3', state: 'failed', error: { code: 'HTTP_503', attempts: 2 } },
        { filename: 'b.mp3', state: 'failed', error: { code: 'HTTP_503', attempts: 2 } },
      ]);
      let refusals = 1;
      first.fake.onApi = (call) => (isCreate(call) && refusals-- > 0 ? unavailable() : undefined);
      const waiting = next(second.queue, failedAttempts(1));
      second.queue.retry(a!.id);
      expect(await waiting).toMatchObject({ id: a!.id, state: 'queued' });
      const uploaded = next(second.queue, inState('uploaded'));
      await vi.advanceTimersByTimeAsync(1_000);
      expect(await uploaded).toMatchObject({ id: a!.id, uploadId: 'up1' });
      await second.queue.remove(b!.id);

      expect(second.queue.items()).toEqual([]);
      expect(store.records.size).toBe(0);
    });

    it('refuses a maxAttempts that is not a whole number ≥ 1 or Infinity', () => {
      for (const maxAttempts of [0, 1.5, Number.NaN, -1]) {
        expect(() => setup({ queue: { maxAttempts } })).toThrow(new RangeError(`maxAttempts must be a whole number ≥ 1 or Infinity, got ${maxAttempts}`));
      }
      expect(() => setup({ queue: { maxAttempts: Number.POSITIVE_INFINITY } })).not.toThrow();
    });
  });
});
