import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isUploadEvent, type UploadEvent } from '../../client/protocol.js';
import { BY_CONNECTION_INDEX, uploadTopic } from '../../lambdas/shared/progress/subscriptionKeys.js';
import { consoleLog, silentLog } from '../../local/localLog.js';
import { type LocalMode, startLocal } from '../../local/startLocal.js';
import { makeVideo } from './processFixtures.js';
import { HandshakeRefused, openProgressSocket, type ProgressSocket } from './support/progressSocket.js';
import { callApi, putPart } from './support/localHttp.js';

const exec = promisify(execFile);
const ROOT = new URL('../..', import.meta.url).pathname;

let local: LocalMode;
let dataDir: string;
let bob: string;
let alice: string;
const sockets: ProgressSocket[] = [];

async function open(token: string, transport: 'subprotocol' | 'query' = 'subprotocol'): Promise<ProgressSocket> {
  const socket = await openProgressSocket(local.webSocketUrl, token, transport);
  sockets.push(socket);
  return socket;
}

async function subscribe(socket: ProgressSocket, uploadId?: string): Promise<void> {
  const from = socket.messages.length;
  socket.send({ action: 'subscribe', ...(uploadId === undefined ? {} : { uploadId }) });
  await socket.waitFor((message) => message.type === 'subscribed' || (message.type === 'error' && !isUploadEvent(message)), 10_000, from);
}

const eventsOf = (socket: ProgressSocket, uploadId: string) =>
  socket.messages.filter((message): message is UploadEvent => isUploadEvent(message) && message.uploadId === uploadId);

function table() {
  return DynamoDBDocumentClient.from(
    new DynamoDBClient({ endpoint: local.dynamoDbEndpoint, region: local.region, credentials: local.credentials }),
  );
}

async function subscriptionsOf(connectionId: string): Promise<number> {
  const page = await table().send(
    new QueryCommand({
      TableName: local.connectionsTable,
      IndexName: BY_CONNECTION_INDEX,
      KeyConditionExpression: 'connectionId = :id',
      ExpressionAttributeValues: { ':id': connectionId },
    }),
  );
  return page.Count ?? 0;
}

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'websocket-progress-'));
  local = await startLocal({
    port: 0,
    s3Port: 0,
    dynamoDbPort: 0,
    sqsPort: 0,
    dataDir,
    expireIntervalSeconds: 0,
    sweepIntervalSeconds: 0,
    retryDelayMs: () => 50,
    log: process.env.DEBUG_WS ? consoleLog : silentLog,
  });
  bob = await local.mintToken('bob');
  alice = await local.mintToken('alice');
}, 60_000);

afterAll(async () => {
  await Promise.all(sockets.map((socket) => socket.close()));
  await local?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

describe('live progress over WebSocket, against local mode', () => {
  it('shows two connections of one user the same ordered writes of a CLI upload, from created to complete, through every processing stage', async () => {
    if (!local.ffmpeg) throw new Error('This test needs an ffmpeg for processing (npm run build:ffmpeg, or ffmpeg on PATH)');
    const video = await makeVideo(join(dataDir, 'talk.mp4'), { width: 640, height: 360, seconds: 4 });
    const allMine = await open(bob);
    await subscribe(allMine);

    const cli = exec(process.execPath, [join(ROOT, 'client/cli/bin.js'), 'upload', video, '--api', local.apiUrl, '--token', bob], {
      cwd: ROOT,
      timeout: 120_000,
    });
    const created = (await allMine.waitFor((message) => message.type === 'created', 30_000)) as UploadEvent;
    const oneUpload = await open(bob, 'query');
    await subscribe(oneUpload, created.uploadId);

    await allMine.waitFor((message) => isUploadEvent(message) && message.uploadId === created.uploadId && message.type === 'complete', 120_000);
    await oneUpload.waitFor((message) => isUploadEvent(message) && message.type === 'complete', 10_000);
    // The CLI followed the upload to ready over the same kind of connection, and says so with exit code 0.
    const { stdout, stderr } = await cli;
    expect(JSON.parse(stdout)).toMatchObject({ uploadId: created.uploadId, status: 'ready' });
    expect(stderr).toMatch(/ready/i);

    const everything = eventsOf(allMine, created.uploadId);
    const seqs = everything.map((event) => event.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(new Set(seqs).size).toBe(seqs.length);
    expect(everything[0]).toMatchObject({ type: 'created', status: 'initiated', seq: 1, totalBytes: (await readFile(video)).length });
    // Byte reports, when the CLI made any before its parts were done, only rise and come before `uploaded`.
    const reports = everything.filter((event) => event.status === 'initiated' && event.type === 'progress').map((event) => event.bytesSent!);
    expect(reports).toEqual([...reports].sort((a, b) => a - b));
    const statuses = [...new Set(everything.map((event) => event.status))];
    expect(statuses).toEqual(['initiated', 'uploaded', 'processing', 'ready']);
    const stages = [...new Set(everything.filter((event) => event.status === 'processing').map((event) => event.stage))];
    expect(stages).toEqual(expect.arrayContaining(['probe', 'transcode', 'publish']));
    expect(everything.at(-1)).toMatchObject({ type: 'complete', status: 'ready', bytesSent: everything[0]!.totalBytes, media: { kind: 'video' } });
    expect(everything.at(-1)!.media?.hlsUrl).toMatch(/master\.m3u8$/);

    // `watch ID` of a finished upload prints its state from the snapshot and ends 0 only because it is ready.
    const watched = await exec(process.execPath, [join(ROOT, 'client/cli/bin.js'), 'watch', created.uploadId, '--json', '--api', local.apiUrl, '--token', bob], {
      cwd: ROOT,
      timeout: 30_000,
    });
    expect(watched.stdout.trim().split('\n').map((line) => JSON.parse(line))).toEqual([everything.at(-1)]);

    // The second connection joined late: its snapshot and every write after it, the same ones in the same order.
    const joined = eventsOf(oneUpload, created.uploadId).map((event) => event.seq);
    expect(joined.length).toBeGreaterThan(2);
    expect(joined).toEqual(seqs.slice(seqs.indexOf(joined[0]!)));
  }, 180_000);

  it("passes the uploader's byte counts to every subscriber, keeps only rising ones, refuses wrong ones, and complete still checks the size", async () => {
    const size = 6 * 1024 * 1024;
    const createdUpload = await callApi(local, 'POST', '/uploads', { token: bob, body: { filename: 'clip.mp4', contentType: 'video/mp4', size, partSize: 5 * 1024 * 1024 } });
    expect(createdUpload.status).toBe(201);
    const { uploadId, parts } = createdUpload.body as { uploadId: string; parts: { partNumber: number; url: string }[] };
    const uploader = await open(bob);
    const watcher = await open(bob, 'query');
    await subscribe(uploader, uploadId);
    await subscribe(watcher);

    uploader.send({ action: 'progress', uploadId, bytesSent: 1.5 });
    uploader.send({ action: 'progress', uploadId, bytesSent: size + 1 });
    const refusals = () => uploader.messages.filter((message) => message.type === 'error' && !isUploadEvent(message) && message.error.code === 'INVALID_PROGRESS');
    await uploader.waitFor(() => refusals().length === 2);

    await putPart(parts[0]!.url, new Uint8Array(5 * 1024 * 1024));
    uploader.send({ action: 'progress', uploadId, bytesSent: 5 * 1024 * 1024 });
    const first = (await watcher.waitFor((message) => isUploadEvent(message) && message.uploadId === uploadId && message.bytesSent === 5 * 1024 * 1024)) as UploadEvent;
    expect(first).toMatchObject({ type: 'progress', status: 'initiated', totalBytes: size });
    await uploader.waitFor((message) => isUploadEvent(message) && message.seq === first.seq);

    // Lower than the last, or within a second of it: dropped without a word.
    uploader.send({ action: 'progress', uploadId, bytesSent: 4 });
    uploader.send({ action: 'progress', uploadId, bytesSent: 5 * 1024 * 1024 + 1 });
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    await putPart(parts[1]!.url, new Uint8Array(1024 * 1024));
    uploader.send({ action: 'progress', uploadId, bytesSent: size });
    const second = (await watcher.waitFor((message) => isUploadEvent(message) && message.uploadId === uploadId && message.bytesSent === size)) as UploadEvent;
    expect(second.seq).toBe(first.seq + 1);

    const completed = await callApi(local, 'POST', `/uploads/${uploadId}/complete`, { token: bob, body: {} });
    expect(completed.status).toBe(200);
    const uploaded = (await watcher.waitFor((message) => isUploadEvent(message) && message.uploadId === uploadId && message.status === 'uploaded')) as UploadEvent;
    // Complete marks the record before it asks S3 (Uppy's DELETE must not cancel it then), then writes `uploaded`.
    expect(uploaded.seq).toBe(second.seq + 2);
    // A report for an upload that moved on is late, not wrong: dropped.
    uploader.send({ action: 'progress', uploadId, bytesSent: size });
    uploader.send({ action: 'ping' });
    await uploader.waitFor((message) => message.type === 'pong');
    await local.progressIdle();
    // The two byte counts kept, and complete's mark.
    expect(eventsOf(watcher, uploadId).filter((event) => event.status === 'initiated' && event.type === 'progress')).toHaveLength(3);
  }, 60_000);

  it("answers another user's subscribe to an upload NOT_FOUND and tells them nothing of it", async () => {
    const createdUpload = await callApi(local, 'POST', '/uploads', { token: bob, body: { filename: 'private.mp4', contentType: 'video/mp4', size: 1000 } });
    const { uploadId } = createdUpload.body as { uploadId: string };
    const stranger = await open(alice);
    stranger.send({ action: 'subscribe', uploadId });
    const refusal = await stranger.waitFor((message) => message.type === 'error');
    expect(refusal).toMatchObject({ type: 'error', action: 'subscribe', uploadId, error: { code: 'NOT_FOUND' } });
    await subscribe(stranger);
    stranger.send({ action: 'progress', uploadId, bytesSent: 10 });
    await stranger.waitFor((message) => message.type === 'error' && !isUploadEvent(message) && message.action === 'progress');

    await callApi(local, 'DELETE', `/uploads/${uploadId}`, { token: bob });
    await local.progressIdle();
    expect(stranger.messages.filter((message) => isUploadEvent(message))).toEqual([]);
  });

  it('answers a reconnecting client with the current state at once', async () => {
    const createdUpload = await callApi(local, 'POST', '/uploads', { token: bob, body: { filename: 'again.mp4', contentType: 'video/mp4', size: 1000 } });
    const { uploadId } = createdUpload.body as { uploadId: string };
    const before = await open(bob);
    await subscribe(before, uploadId);
    await callApi(local, 'DELETE', `/uploads/${uploadId}`, { token: bob });
    const cancelled = (await before.waitFor((message) => isUploadEvent(message) && message.status === 'cancelled')) as UploadEvent;
    await before.close();

    const after = await open(bob);
    await subscribe(after, uploadId);
    expect(after.messages.filter(isUploadEvent)).toEqual([cancelled]);
    expect(cancelled).toMatchObject({ type: 'error', status: 'cancelled' });

    // The CLI's `watch ID` ends at once on it, with exit code 3 (not ready).
    const watched = exec(process.execPath, [join(ROOT, 'client/cli/bin.js'), 'watch', uploadId, '--api', local.apiUrl, '--token', bob], { cwd: ROOT, timeout: 30_000 });
    await expect(watched).rejects.toMatchObject({ code: 3 });
  });

  it('drops a connection that vanished without a $disconnect at the next post, and still serves the others', async () => {
    const createdUpload = await callApi(local, 'POST', '/uploads', { token: bob, body: { filename: 'gone.mp4', contentType: 'video/mp4', size: 1000 } });
    const { uploadId } = createdUpload.body as { uploadId: string };
    const live = await open(bob);
    await subscribe(live, uploadId);
    const vanished = 'VanishedConn0A=';
    await table().send(
      new PutCommand({
        TableName: local.connectionsTable,
        Item: { topic: uploadTopic(uploadId), connectionId: vanished, ownerId: 'bob', expiresAt: Math.floor(Date.now() / 1000) + 3600, tokenExpiresAt: Math.floor(Date.now() / 1000) + 3600 },
      }),
    );
    expect(await subscriptionsOf(vanished)).toBe(1);

    await callApi(local, 'DELETE', `/uploads/${uploadId}`, { token: bob });
    await live.waitFor((message) => isUploadEvent(message) && message.status === 'cancelled');
    await local.progressIdle();
    expect(await subscriptionsOf(vanished)).toBe(0);
  });

  it.each(['subprotocol', 'query'] as const)('refuses the handshake (%s) for a bad or expired token, and without the media-pipeline.v1 subprotocol', async (transport) => {
    const expired = await local.mintToken('bob', { expiresInSeconds: -60 });
    const forged = `${bob.slice(0, -4)}AAAA`;
    for (const token of [expired, forged, 'not-a-jwt']) {
      await expect(openProgressSocket(local.webSocketUrl, token, transport)).rejects.toEqual(new HandshakeRefused(401));
    }
    const bare = new (await import('ws')).default(`${local.webSocketUrl}?token=${bob}`);
    const status = await new Promise<number>((resolve) => bare.once('unexpected-response', (_request, response) => resolve(response.statusCode ?? 0)));
    expect(status).toBe(401);
  });

  it('closes a connection whose token expired at its next message, with TOKEN_EXPIRED first', async () => {
    const shortLived = await local.mintToken('bob', { expiresInSeconds: 2 });
    const socket = await open(shortLived);
    socket.send({ action: 'ping' });
    await socket.waitFor((message) => message.type === 'pong');
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    socket.send({ action: 'ping' });
    const refusal = await socket.waitFor((message) => message.type === 'error');
    expect(refusal).toMatchObject({ error: { code: 'TOKEN_EXPIRED' } });
    await socket.closed;
  });

});
