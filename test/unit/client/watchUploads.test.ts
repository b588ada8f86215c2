import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createClient } from '../../../client/createClient.js';
import { WatchError } from '../../../client/errors.js';
import { PING_AFTER_MS, PONG_TIMEOUT_MS, RENEW_BEFORE_LIMIT_MS } from '../../../client/ProgressConnection.js';
import { WEBSOCKET_LIMITS } from '../../../client/protocol.js';
import { API_URL, FakePipeline } from './fakePipeline.js';
import { FakeProgressServer, uploadEvent } from './fakeWebSocket.js';

const WS_URL = 'wss://ws.example.test/prod';
const RECONNECT = { baseMs: 1_000, maxMs: 8_000 };

/** Lets the client's promise chains (token, URL) run; fake timers move only when told. */
const settle = () => vi.advanceTimersByTimeAsync(0);

function clientFor(server: FakeProgressServer, tokens: string[] = ['token-1']) {
  let calls = 0;
  const getToken = vi.fn(() => tokens[Math.min(calls++, tokens.length - 1)] as string);
  const client = createClient({ apiUrl: API_URL, getToken, webSocket: server.WebSocket, webSocketUrl: WS_URL, reconnectDelay: RECONNECT });
  return { client, getToken };
}

describe('client.watch', () => {
  let server: FakeProgressServer;

  beforeEach(() => {
    vi.useFakeTimers();
    server = new FakeProgressServer();
  });

  afterEach(() => {
    vi.useRealTimers();
  });

  it('connects with the protocol and a bearer subprotocol, subscribes, and yields the snapshot then each change', async () => {
    const { client } = clientFor(server);
    const events = client.watch('up1');

    const first = events.next();
    await settle();
    const socket = server.latest();
    expect(socket.url).toBe(WS_URL);
    expect(socket.protocols).toEqual(['media-pipeline.v1', 'bearer.token-1']);
    socket.accept();
    expect(socket.sent).toEqual([{ action: 'subscribe', uploadId: 'up1' }]);
    socket.push(uploadEvent('up1', 2, 'initiated', { bytesSent: 0 }));
    socket.push({ type: 'subscribed', uploadId: 'up1' });
    socket.push(uploadEvent('up1', 3, 'uploaded'));

    expect((await first).value).toMatchObject({ seq: 2, status: 'initiated' });
    expect((await events.next()).value).toMatchObject({ seq: 3, status: 'uploaded' });
  });

  it('asks again, on the same connection, when a subscribe meets INTERNAL_ERROR (a fault, not a refusal)', async () => {
    const { client } = clientFor(server);
    const events = client.watch('up1');
    const first = events.next();
    await settle();
    const socket = server.latest();
    socket.accept();
    socket.push({ type: 'error', action: 'subscribe', uploadId: 'up1', error: { code: 'INTERNAL_ERROR', message: 'try again' } });
    await vi.advanceTimersByTimeAsync(RECONNECT.maxMs);

    expect(socket.subscriptions()).toEqual(['up1', 'up1']);
    expect(server.sockets).toHaveLength(1);
    socket.push(uploadEvent('up1', 2, 'uploaded'));
    expect((await first).value).toMatchObject({ seq: 2, status: 'uploaded' });
  });

  it('asks again after INTERNAL_ERROR with growing waits, and after five tells the watch, which rejects with the code', async () => {
    const { client } = clientFor(server);
    const events = client.watch('up1');
    const first = events.next();
    const settled = first.then(
      () => 'resolved',
      (error: unknown) => error,
    );
    await settle();
    const socket = server.latest();
    socket.accept();
    const fault = () => socket.push({ type: 'error', action: 'subscribe', uploadId: 'up1', error: { code: 'INTERNAL_ERROR', message: 'try again' } });
    const waits: number[] = [];
    for (let retry = 0; retry < 5; retry += 1) {
      fault();
      const before = socket.subscriptions().length;
      let waited = 0;
      while (socket.subscriptions().length === before && waited < RECONNECT.maxMs * 2) {
        await vi.advanceTimersByTimeAsync(100);
        waited += 100;
      }
      waits.push(waited);
    }
    expect(socket.subscriptions()).toHaveLength(6);
    expect(waits.at(-1)!).toBeGreaterThan(waits[0]!);

    fault();
    await settle();
    expect(await settled).toBeInstanceOf(WatchError);
    expect(await settled).toMatchObject({ code: 'INTERNAL_ERROR' });
    expect(socket.subscriptions()).toHaveLength(6);
  });

  it('reconnects after a drop with jittered, growing waits, and subscribes again on the new connection', async () => {
    const { client } = clientFor(server);
    const events = client.watch('up1');
    const first = events.next();
    await settle();
    server.latest().accept();
    server.latest().drop(1006);

    // 1st retry within [500, 1000] ms (half fixed, half random), the 2nd within [1000, 2000] ms.
    await vi.advanceTimersByTimeAsync(499);
    expect(server.sockets).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(501);
    expect(server.sockets).toHaveLength(2);
    server.latest().refuse();
    await vi.advanceTimersByTimeAsync(999);
    expect(server.sockets).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1001);
    expect(server.sockets).toHaveLength(3);

    const third = server.latest();
    third.accept();
    expect(third.subscriptions()).toEqual(['up1']);
    third.push(uploadEvent('up1', 5, 'processing', { stage: 'probe', progress: 0 }));
    expect((await first).value).toMatchObject({ seq: 5, stage: 'probe' });
  });

  it('drops events at or below the last seq seen, across a reconnect', async () => {
    const { client } = clientFor(server);
    const events = client.watch('up1');
    const seen: number[] = [];
    const reading = (async () => {
      for await (const event of events) seen.push(event.seq);
    })();
    await settle();
    const first = server.latest();
    first.accept();
    first.push(uploadEvent('up1', 3, 'processing', { progress: 10 }));
    first.push(uploadEvent('up1', 4, 'processing', { progress: 20 }));
    first.drop();
    await vi.advanceTimersByTimeAsync(RECONNECT.baseMs);

    const second = server.latest();
    second.accept();
    // The snapshot repeats seq 4; a post from another writer that crossed it carries seq 3.
    second.push(uploadEvent('up1', 4, 'processing', { progress: 20 }));
    second.push(uploadEvent('up1', 3, 'processing', { progress: 10 }));
    second.push(uploadEvent('up1', 6, 'ready'));
    await reading;

    expect(seen).toEqual([3, 4, 6]);
  });

  it('after TOKEN_EXPIRED, reconnects at once with a fresh token from getToken', async () => {
    const { client, getToken } = clientFor(server, ['old-token', 'fresh-token']);
    const events = client.watch('up1');
    const next = events.next();
    await settle();
    const expired = server.latest();
    expired.accept();

    expired.push({ type: 'error', error: { code: 'TOKEN_EXPIRED', message: 'The token expired' } });
    await settle();

    expect(expired.closedByClient).toBe(1000);
    expect(server.sockets).toHaveLength(2);
    expect(server.latest().token).toBe('fresh-token');
    expect(getToken).toHaveBeenCalledTimes(2);
    server.latest().accept();
    expect(server.latest().subscriptions()).toEqual(['up1']);
    server.latest().push(uploadEvent('up1', 2, 'uploaded'));
    expect((await next).value).toMatchObject({ status: 'uploaded' });
  });

  it('after TOKEN_EXPIRED and the close that follows it, reconnects at once with a fresh token', async () => {
    const { client } = clientFor(server, ['old-token', 'fresh-token']);
    void client.watch('up1').next();
    await settle();
    server.latest().accept();

    server.latest().push({ type: 'error', error: { code: 'TOKEN_EXPIRED', message: 'expired' } });
    server.latest().drop(1000);
    await settle();

    expect(server.sockets).toHaveLength(2);
    expect(server.latest().token).toBe('fresh-token');
  });

  it('opens a replacement before the 2-hour limit, moves the subscriptions there, then closes the old connection', async () => {
    server.onMessage = (socket, message) => {
      if (message.action === 'ping') socket.push({ type: 'pong' });
    };
    const { client } = clientFor(server, ['token-1', 'token-2']);
    const controller = new AbortController();
    const events = client.watch(undefined, { signal: controller.signal });
    const seen: string[] = [];
    const reading = (async () => {
      for await (const event of events) seen.push(`${event.uploadId}@${event.seq}`);
    })();
    await settle();
    const old = server.latest();
    old.accept();
    const openedAt = Date.now();
    old.push({ type: 'subscribed' });

    await vi.advanceTimersByTimeAsync(WEBSOCKET_LIMITS.maxConnectionSeconds * 1000 - RENEW_BEFORE_LIMIT_MS);
    expect(server.sockets).toHaveLength(2);
    const renewed = server.latest();
    expect(renewed.token).toBe('token-2');
    renewed.accept();
    expect(renewed.subscriptions()).toEqual([undefined]);
    expect(old.closedByClient).toBeUndefined();

    // Both hear the same write while they overlap: it is yielded once.
    old.push(uploadEvent('up7', 9, 'processing'));
    renewed.push(uploadEvent('up7', 9, 'processing'));
    renewed.push({ type: 'subscribed' });
    expect(old.closedByClient).toBe(1000);
    expect(Date.now() - openedAt).toBeLessThan(WEBSOCKET_LIMITS.maxConnectionSeconds * 1000);
    renewed.push(uploadEvent('up7', 10, 'ready'));
    await settle();

    expect(seen).toEqual(['up7@9', 'up7@10']);
    controller.abort();
    await reading;
  });

  it('pings before the idle limit, and treats a connection with no answer to a ping as dead', async () => {
    const { client } = clientFor(server);
    void client.watch('up1').next();
    await settle();
    const socket = server.latest();
    socket.accept();

    await vi.advanceTimersByTimeAsync(PING_AFTER_MS - 1);
    expect(socket.sentOf('ping')).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(socket.sentOf('ping')).toHaveLength(1);
    expect(PING_AFTER_MS).toBeLessThan(WEBSOCKET_LIMITS.idleTimeoutSeconds * 1000);
    socket.push({ type: 'pong' });
    await vi.advanceTimersByTimeAsync(PING_AFTER_MS);
    expect(socket.sentOf('ping')).toHaveLength(2);
    expect(socket.closedByClient).toBeUndefined();

    await vi.advanceTimersByTimeAsync(PONG_TIMEOUT_MS);
    expect(socket.readyState).toBe(3);
    await vi.advanceTimersByTimeAsync(RECONNECT.baseMs);
    expect(server.sockets).toHaveLength(2);
  });

  it('ends after the final state of a single upload, and the connection closes when nothing else uses it', async () => {
    server.acceptAll((uploadId) => [uploadEvent(uploadId as string, 8, 'failed', { error: { code: 'UNSUPPORTED_MEDIA', message: 'not media' } })]);
    const { client } = clientFor(server);

    const statuses: string[] = [];
    for await (const event of client.watch('up1')) statuses.push(event.status);
    await settle();

    expect(statuses).toEqual(['failed']);
    expect(server.latest().closedByClient).toBe(1000);
  });

  it('ends without an error when the signal aborts, and closes the connection', async () => {
    server.acceptAll();
    const { client } = clientFor(server);
    const controller = new AbortController();
    const events = client.watch(undefined, { signal: controller.signal });
    const next = events.next();
    await settle();

    controller.abort();

    expect(await next).toEqual({ value: undefined, done: true });
    await settle();
    expect(server.latest().closedByClient).toBe(1000);
    expect(server.latest().sentOf('unsubscribe')).toEqual([{ action: 'unsubscribe' }]);
  });

  it('throws WatchError with the server code when the subscription is refused', async () => {
    server.acceptAll();
    server.onMessage = (socket, message) => {
      if (message.action === 'subscribe') {
        socket.push({ type: 'error', action: 'subscribe', uploadId: 'theirs', error: { code: 'NOT_FOUND', message: 'Upload theirs was not found' } });
      }
    };
    const { client } = clientFor(server);

    const error = await client.watch('theirs').next().catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(WatchError);
    expect(error).toMatchObject({ code: 'NOT_FOUND', uploadId: 'theirs' });
  });

  it('watching all uploads follows each upload by its own seq', async () => {
    server.acceptAll(() => [uploadEvent('a', 5, 'processing'), uploadEvent('b', 2, 'initiated')]);
    const { client } = clientFor(server);
    const events = client.watch();
    const seen: string[] = [];
    for (let i = 0; i < 3; i++) {
      const next = events.next();
      if (i === 2) {
        server.latest().push(uploadEvent('b', 1, 'initiated'));
        server.latest().push(uploadEvent('b', 3, 'uploaded'));
      }
      await settle();
      const { value } = await next;
      if (value) seen.push(`${value.uploadId}@${value.seq}`);
    }
    await events.return();

    expect(seen).toEqual(['a@5', 'b@2', 'b@3']);
  });

  it('shares one connection between watches of one client', async () => {
    server.acceptAll();
    const { client } = clientFor(server);
    const one = client.watch('up1');
    const all = client.watch();
    void one.next();
    void all.next();
    await settle();

    expect(server.sockets).toHaveLength(1);
    expect(server.latest().subscriptions()).toEqual(['up1', undefined]);
  });

  it('throws CONNECT_FAILED after connectAttempts failures in a row, telling onDisconnect about each', async () => {
    server.onConnect = (socket) => queueMicrotask(() => socket.refuse());
    const { client } = clientFor(server);
    const onDisconnect = vi.fn();

    const failed = client
      .watch('up1', { connectAttempts: 3, onDisconnect })
      .next()
      .catch((error: unknown) => error);
    await vi.advanceTimersByTimeAsync(RECONNECT.baseMs + 2 * RECONNECT.baseMs);

    expect(await failed).toMatchObject({ name: 'WatchError', code: 'CONNECT_FAILED' });
    expect(onDisconnect.mock.calls.map(([down]) => down.attempt)).toEqual([1, 2, 3]);
  });

  it('throws NO_WEBSOCKET without a WebSocket implementation', async () => {
    const client = createClient({ apiUrl: API_URL, token: 't', webSocket: null });

    await expect(client.watch('up1').next()).rejects.toMatchObject({ name: 'WatchError', code: 'NO_WEBSOCKET' });
  });

  it('takes the URL from GET /config when none is given, and says so clearly when neither names one', async () => {
    const fake = new FakePipeline();
    let config: Record<string, unknown> = { webSocketUrl: 'wss://from-config.example.test' };
    fake.onApi = (call) => (call.path === '/config' ? new Response(JSON.stringify(config), { status: 200 }) : undefined);
    const withConfig = createClient({ apiUrl: API_URL, token: fake.token, fetch: fake.fetch, webSocket: server.WebSocket });
    void withConfig.watch('up1').next();
    await settle();
    expect(server.latest().url).toBe('wss://from-config.example.test');

    config = {};
    const without = createClient({ apiUrl: API_URL, token: fake.token, fetch: fake.fetch, webSocket: server.WebSocket });
    const error = await without.watch('up1').next().catch((caught: unknown) => caught);
    expect(error).toMatchObject({ name: 'WatchError', code: 'NO_WEBSOCKET_URL' });
    expect((error as Error).message).toContain('pass webSocketUrl to createClient');
  });

  it('refuses a webSocketUrl that is not ws:// or wss://', () => {
    expect(() => createClient({ apiUrl: API_URL, token: 't', webSocketUrl: 'https://ws.example.test' })).toThrow(TypeError);
  });
});
