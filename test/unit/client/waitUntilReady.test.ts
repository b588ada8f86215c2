import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createClient } from '../../../client/createClient.js';
import { AbortError, ApiError, UploadNotReadyError } from '../../../client/errors.js';
import type { UploadState } from '../../../client/waitUntilReady.js';
import { API_URL, FakePipeline, json } from './fakePipeline.js';
import { FakeProgressServer, uploadEvent } from './fakeWebSocket.js';

const POLL = { baseMs: 1_000, maxMs: 4_000 };
const settle = () => vi.advanceTimersByTimeAsync(0);

describe('client.waitUntilReady', () => {
  let fake: FakePipeline;
  let server: FakeProgressServer;
  let uploadId: string;

  function clientWith(webSocket: FakeProgressServer['WebSocket'] | null) {
    return createClient({
      apiUrl: API_URL,
      token: fake.token,
      fetch: fake.fetch,
      webSocket,
      webSocketUrl: 'wss://ws.example.test',
      pollDelay: POLL,
      retryDelay: { baseMs: 1, maxMs: 1 },
      reconnectDelay: { baseMs: 60_000, maxMs: 60_000 },
    });
  }

  beforeEach(async () => {
    vi.useFakeTimers();
    fake = new FakePipeline();
    server = new FakeProgressServer();
    const created = await clientWith(null).createUpload({ filename: 'clip.mp4', contentType: 'video/mp4', size: 8 });
    uploadId = created.uploadId;
    fake.upload(uploadId).status = 'processing';
  });

  afterEach(() => {
    vi.useRealTimers();
  });

  it('follows the socket to ready, then resolves with the record read once', async () => {
    server.acceptAll(() => [uploadEvent(uploadId, 4, 'processing', { stage: 'probe', progress: 0 })]);
    const updates: UploadState[] = [];
    const waiting = clientWith(server.WebSocket).waitUntilReady(uploadId, { onUpdate: (state) => updates.push(state) });
    await settle();

    server.latest().push(uploadEvent(uploadId, 5, 'processing', { stage: 'transcode', progress: 40 }));
    server.latest().push(uploadEvent(uploadId, 4, 'processing', { stage: 'probe', progress: 0 }));
    fake.upload(uploadId).status = 'ready';
    server.latest().push(uploadEvent(uploadId, 6, 'ready'));

    await expect(waiting).resolves.toMatchObject({ uploadId, status: 'ready' });
    expect(updates.map((state) => [state.seq, state.status, state.stage])).toEqual([
      [4, 'processing', 'probe'],
      [5, 'processing', 'transcode'],
      [6, 'ready', undefined],
    ]);
    expect(fake.callsTo('GET', /^\/uploads\//)).toHaveLength(1);
  });

  it('rejects with UploadNotReadyError carrying the upload error code when processing fails', async () => {
    server.acceptAll(() => [uploadEvent(uploadId, 7, 'failed', { error: { code: 'TRANSCODE_FAILED', message: 'ffmpeg exited 1' } })]);

    const error = await clientWith(server.WebSocket)
      .waitUntilReady(uploadId)
      .catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(UploadNotReadyError);
    expect(error).toMatchObject({ code: 'TRANSCODE_FAILED', status: 'failed', uploadId });
    expect((error as Error).message).toContain('ffmpeg exited 1');
  });

  it('polls GET /uploads/{id} with backoff when the socket cannot connect, until ready', async () => {
    server.onConnect = (socket) => queueMicrotask(() => socket.refuse());
    const polledAt: number[] = [];
    const start = Date.now();
    fake.onApi = (call) => {
      if (call.method === 'GET' && call.path === `/uploads/${uploadId}`) {
        polledAt.push(Date.now() - start);
        if (polledAt.length === 4) fake.upload(uploadId).status = 'ready';
      }
      return undefined;
    };

    const waiting = clientWith(server.WebSocket).waitUntilReady(uploadId);
    await vi.advanceTimersByTimeAsync(10_000);

    await expect(waiting).resolves.toMatchObject({ status: 'ready' });
    expect(server.sockets).toHaveLength(1);
    expect(polledAt).toHaveLength(4);
    // After the first answer (new to it) the wait is ½–1 × 1 s; each unchanged answer doubles it, up to 4 s.
    const gaps = polledAt.slice(1).map((at, index) => at - (polledAt[index] as number));
    const bounds = [
      [500, 1_000],
      [1_000, 2_000],
      [2_000, 4_000],
    ];
    gaps.forEach((gap, index) => {
      expect(gap).toBeGreaterThanOrEqual(bounds[index]![0]!);
      expect(gap).toBeLessThanOrEqual(bounds[index]![1]!);
    });
  });

  it('polls only while the socket is down, and stops once it is subscribed again', async () => {
    server.acceptAll();
    const polls = () => fake.callsTo('GET', /^\/uploads\//).length;
    const waiting = clientWith(server.WebSocket).waitUntilReady(uploadId);
    await settle();
    expect(polls()).toBe(0);

    server.latest().drop();
    await settle();
    expect(polls()).toBe(1);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(server.sockets).toHaveLength(2);
    const polledWhileDown = polls();
    await vi.advanceTimersByTimeAsync(30_000);
    expect(polls()).toBe(polledWhileDown);

    fake.upload(uploadId).status = 'ready';
    server.latest().push(uploadEvent(uploadId, 9, 'ready'));
    await expect(waiting).resolves.toMatchObject({ status: 'ready' });
  });

  it('polls from the start when the client has no WebSocket, and stops at a cancelled upload', async () => {
    fake.upload(uploadId).status = 'cancelled';

    const error = await clientWith(null)
      .waitUntilReady(uploadId)
      .catch((caught: unknown) => caught);

    expect(error).toMatchObject({ name: 'UploadNotReadyError', code: 'CANCELLED', status: 'cancelled' });
  });

  it('polls instead when the server refuses the subscription, and rejects with the API error for an upload that is not there', async () => {
    server.acceptAll();
    server.onMessage = (socket, message) => {
      if (message.action === 'subscribe') socket.push({ type: 'error', action: 'subscribe', uploadId: 'nope', error: { code: 'NOT_FOUND', message: 'not found' } });
    };

    const error = await clientWith(server.WebSocket)
      .waitUntilReady('nope')
      .catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 404, code: 'NOT_FOUND' });
  });

  it('waits out a transient poll failure', async () => {
    let polls = 0;
    fake.onApi = (call) => {
      if (call.method !== 'GET') return undefined;
      polls += 1;
      if (polls === 1) return json(503, { message: 'Service Unavailable' });
      fake.upload(uploadId).status = 'ready';
      return undefined;
    };

    const waiting = clientWith(null).waitUntilReady(uploadId);
    await vi.advanceTimersByTimeAsync(POLL.maxMs);

    await expect(waiting).resolves.toMatchObject({ status: 'ready' });
  });

  it('rejects with AbortError when the signal aborts, and lets the connection close', async () => {
    server.acceptAll();
    const controller = new AbortController();
    const waiting = clientWith(server.WebSocket).waitUntilReady(uploadId, { signal: controller.signal });
    await settle();

    controller.abort();

    await expect(waiting).rejects.toBeInstanceOf(AbortError);
    await settle();
    expect(server.latest().closedByClient).toBe(1000);
  });
});
