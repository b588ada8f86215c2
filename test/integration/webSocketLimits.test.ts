import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isUploadEvent, MAX_CONNECTIONS_PER_OWNER, type ServerMessage, WEBSOCKET_LIMITS } from '../../client/protocol.js';
import { silentLog } from '../../local/localLog.js';
import { type LocalMode, startLocal } from '../../local/startLocal.js';
import { HandshakeRefused, openProgressSocket, type ProgressSocket } from './support/progressSocket.js';

/** API Gateway's idle and connection limits, shortened so a test sees them act. */
const IDLE_MS = 2_000;
// Long enough that the 20 connections of the per-user limit test all open before the first one
// reaches its age, even on a loaded machine (at 5 s they did not, and the count dropped).
const MAX_CONNECTION_MS = 12_000;

let local: LocalMode;
let dataDir: string;
let token: string;
const sockets: ProgressSocket[] = [];

async function open(): Promise<ProgressSocket> {
  const socket = await openProgressSocket(local.webSocketUrl, token);
  sockets.push(socket);
  return socket;
}

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'websocket-limits-'));
  local = await startLocal({
    port: 0,
    s3Port: 0,
    dynamoDbPort: 0,
    sqsPort: 0,
    dataDir,
    expireIntervalSeconds: 0,
    processUploads: false,
    log: silentLog,
    webSocketIdleTimeoutMs: IDLE_MS,
    webSocketMaxConnectionMs: MAX_CONNECTION_MS,
  });
  token = await local.mintToken('bob');
}, 60_000);

afterAll(async () => {
  await Promise.all(sockets.map((socket) => socket.close()));
  await local?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

describe("local mode's WebSocket API keeps API Gateway's limits", () => {
  it('answers INVALID_MESSAGE to what is not a known action, and closes with 1009 a message over 128 KB', async () => {
    const socket = await open();
    socket.send('{not json');
    socket.send({ action: 'shout' });
    // Each message runs its own invocation, as on AWS, so their answers may come in either order.
    const refusals = () => socket.messages.flatMap((message) => (message.type === 'error' && !isUploadEvent(message) && message.error.code === 'INVALID_MESSAGE' ? [message.error.message] : []));
    await socket.waitFor(() => refusals().length === 2);
    expect(refusals()).toEqual(expect.arrayContaining(['The message is not JSON', expect.stringContaining('"shout"')]));
    socket.send('x'.repeat(WEBSOCKET_LIMITS.maxMessageBytes + 1));
    expect((await socket.closed).code).toBe(1009);
  });

  it('closes a connection whose client sent nothing for the idle time, and any connection at its age limit', async () => {
    const idle = await open();
    const started = Date.now();
    expect((await idle.closed).code).toBe(1001);
    expect(Date.now() - started).toBeGreaterThanOrEqual(IDLE_MS - 100);

    const chatty = await open();
    const pinger = setInterval(() => chatty.send({ action: 'ping' }), IDLE_MS / 2);
    const { code } = await chatty.closed;
    clearInterval(pinger);
    expect(code).toBe(1001);
    expect(chatty.messages.filter((message: ServerMessage) => message.type === 'pong').length).toBeGreaterThanOrEqual(3);
  }, 30_000);

  it(`refuses a user's connection past ${MAX_CONNECTIONS_PER_OWNER} live ones with 429, and takes one again once another closed; other users are not affected`, async () => {
    const carol = await local.mintToken('carol');
    const held: ProgressSocket[] = [];
    for (let index = 0; index < MAX_CONNECTIONS_PER_OWNER; index += 1) held.push(await openProgressSocket(local.webSocketUrl, carol));
    sockets.push(...held);
    const pinger = setInterval(() => held.forEach((socket) => socket.send({ action: 'ping' })), IDLE_MS / 2);
    try {
      await expect(openProgressSocket(local.webSocketUrl, carol, 'query')).rejects.toEqual(new HandshakeRefused(429));
      const other = await open();
      await other.close();

      await held.pop()!.close();
      await local.progressIdle();
      // $disconnect removed the closed connection from the count (it runs after the close, so wait for it).
      let again: ProgressSocket | undefined;
      for (let attempt = 0; attempt < 20 && !again; attempt += 1) {
        again = await openProgressSocket(local.webSocketUrl, carol).catch(async () => {
          await new Promise((resolve) => setTimeout(resolve, 100));
          return undefined;
        });
      }
      expect(again).toBeDefined();
      sockets.push(again!);
    } finally {
      clearInterval(pinger);
    }
  }, 20_000);

  it("does not lock a user out with connections whose $disconnect never ran (handshakes abandoned after $connect)", async () => {
    const erin = await local.mintToken('erin');
    const { port } = new URL(local.webSocketUrl);
    // Each sends the upgrade and hangs up at once: $connect runs and counts it, the socket is gone before it opens.
    for (let index = 0; index < MAX_CONNECTIONS_PER_OWNER; index += 1) {
      await new Promise<void>((resolve) => {
        const socket = connect(Number(port), '127.0.0.1', () => {
          socket.end(
            `GET /ws?token=${erin} HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
              `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: media-pipeline.v1\r\n\r\n`,
          );
        });
        socket.on('close', () => resolve());
        socket.on('error', () => resolve());
      });
    }
    await new Promise((resolve) => setTimeout(resolve, 500));

    const socket = await openProgressSocket(local.webSocketUrl, erin);
    sockets.push(socket);
    socket.send({ action: 'ping' });
    await socket.waitFor((message) => message.type === 'pong');
  }, 20_000);
});
