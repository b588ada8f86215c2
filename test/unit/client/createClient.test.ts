import { afterEach, describe, expect, it, vi } from 'vitest';
import { createClient } from '../../../client/createClient.js';
import { FINAL_STATUSES, UPLOAD_STATUSES } from '../../../lambdas/shared/uploadRecord.js';
import { isFinalStatus } from '../../../client/isFinalStatus.js';
import { API_URL, FakePipeline, patternBytes } from './fakePipeline.js';
import { FakeProgressServer } from './fakeWebSocket.js';

const WS_URL = 'wss://ws.example.test';

/** 40 bytes in 4-byte parts: each stored part is 10 % of the file. */
const SIZE = 40;

describe('createClient: upload with live progress', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('reports bytesSent on the open socket while parts go, throttled by time', async () => {
    // Only the clock is fake: every part is stored at the same instant, so only the first report may go.
    vi.useFakeTimers({ toFake: ['Date'] });
    const fake = new FakePipeline({ partSize: 4 });
    const server = new FakeProgressServer();
    let socketOpen!: () => void;
    const opened = new Promise<void>((resolve) => (socketOpen = resolve));
    server.onConnect = (socket) =>
      queueMicrotask(() => {
        socket.accept();
        socketOpen();
      });
    fake.onPut = async () => {
      await opened;
      return undefined;
    };
    const client = createClient({ apiUrl: API_URL, token: fake.token, fetch: fake.fetch, webSocket: server.WebSocket, webSocketUrl: WS_URL });

    const record = await client.upload(patternBytes(SIZE), { filename: 'clip.mp4', concurrency: 1 });

    expect(record.status).toBe('uploaded');
    expect(server.sockets).toHaveLength(1);
    expect(server.latest().sent).toEqual([{ action: 'progress', uploadId: 'up1', bytesSent: 4 }]);
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(server.latest().closedByClient).toBe(1000);
  });

  it('completes the upload when the socket cannot connect', async () => {
    const fake = new FakePipeline({ partSize: 4 });
    const server = new FakeProgressServer();
    server.onConnect = (socket) => queueMicrotask(() => socket.refuse());
    const client = createClient({ apiUrl: API_URL, token: fake.token, fetch: fake.fetch, webSocket: server.WebSocket, webSocketUrl: WS_URL });

    await expect(client.upload(patternBytes(SIZE), { filename: 'clip.mp4' })).resolves.toMatchObject({ status: 'uploaded' });
    expect(fake.bytesOf('up1')).toEqual(Buffer.from(patternBytes(SIZE)));
  });

  it('completes the upload when the WebSocket constructor throws, or the server names no WebSocket URL', async () => {
    const fake = new FakePipeline({ partSize: 4 });
    const throwing = class {
      constructor() {
        throw new SyntaxError('bad URL');
      }
    } as unknown as FakeProgressServer['WebSocket'];
    const server = new FakeProgressServer();

    const withBadSocket = createClient({ apiUrl: API_URL, token: fake.token, fetch: fake.fetch, webSocket: throwing, webSocketUrl: WS_URL });
    const withoutUrl = createClient({ apiUrl: API_URL, token: fake.token, fetch: fake.fetch, webSocket: server.WebSocket });

    await expect(withBadSocket.upload(patternBytes(SIZE), { filename: 'a.mp4' })).resolves.toMatchObject({ status: 'uploaded' });
    await expect(withoutUrl.upload(patternBytes(SIZE), { filename: 'b.mp4' })).resolves.toMatchObject({ status: 'uploaded' });
    expect(server.sockets).toHaveLength(0);
  });

  it('opens no socket for an upload of one part', async () => {
    const fake = new FakePipeline({ partSize: 64 });
    const server = new FakeProgressServer().acceptAll();
    const client = createClient({ apiUrl: API_URL, token: fake.token, fetch: fake.fetch, webSocket: server.WebSocket, webSocketUrl: WS_URL });

    await client.upload(patternBytes(SIZE), { filename: 'clip.mp4' });

    expect(server.sockets).toHaveLength(0);
  });
});

describe('isFinalStatus', () => {
  it('agrees with the server’s FINAL_STATUSES', () => {
    expect(UPLOAD_STATUSES.filter(isFinalStatus)).toEqual(FINAL_STATUSES);
  });
});
