/**
 * Live progress against local mode (docs/websocket.md), three figures with their goals:
 *
 *   1. write → client: an uploader's `{action:'progress', bytesSent}` report (a write of the
 *      record through `transition`) until a second connection subscribed to that upload gets
 *      the event, one report at a time over many uploads, each upload's reports at least 1.1 s
 *      apart (the server keeps one a second), against a raw `ws` round trip (an echo server in
 *      this process, the same payload) measured just before each report.
 *      Goal: p95 within 100 ms of the raw round trip's.
 *   2. fan-out: the same report on one upload until ALL of its 1, 10, 100 and 1,000
 *      subscribers got it (p50 over a few reports per size). The connections are opened and
 *      subscribed in bounded batches and kept from one size to the next; the setup is timed.
 *      Goal: all 1,000 served within 1 s.
 *   3. time added to an API write: `DELETE /uploads/{id}` (a cancel) of an upload with no
 *      subscriber and of one with 10, in pairs, alternating which goes first.
 *      Goal: p95 with 10 at most 20 ms above p95 with none.
 *
 *   npx tsx bench/progressFanOut.ts [--samples 200] [--uploads 40] [--writes 5] [--max-subscribers 1000] [--pairs 200] [--batch 50]
 *
 * Every client runs in this process, on the event loop of local mode (as the echo server
 * does), so the figures include the clients' own work. "write →" columns start when
 * `transition` reported the write (an `onStateChange` listener of this process), "report →"
 * columns when the uploader sent its message. The fan-out table adds the CPU time this process
 * spent per report: local mode runs on one thread, so a wall time far above it was spent
 * waiting for other programs on the machine. Loopback only; local mode's data goes to a temp
 * dir that is deleted after.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import WebSocket, { WebSocketServer } from 'ws';
import type { ServerMessage, UploadEvent } from '../client/protocol.js';
import type { LocalMode } from '../local/startLocal.js';

// One info line per closed connection would bury the tables; set before any handler loads.
process.env.POWERTOOLS_LOG_LEVEL ??= 'WARN';
const { BEARER_PROTOCOL_PREFIX, PROGRESS_PROTOCOL, isUploadEvent } = await import('../client/protocol.js');
const { onStateChange } = await import('../lambdas/shared/stateChanges.js');
const { errorsOnlyLog } = await import('../local/localLog.js');
const { startLocal } = await import('../local/startLocal.js');

const { values } = parseArgs({
  options: {
    samples: { type: 'string', default: '200' },
    uploads: { type: 'string', default: '40' },
    writes: { type: 'string', default: '5' },
    'max-subscribers': { type: 'string', default: '1000' },
    pairs: { type: 'string', default: '200' },
    batch: { type: 'string', default: '50' },
  },
});
const SAMPLES = Number(values.samples);
const UPLOADS = Number(values.uploads);
const WRITES_PER_SIZE = Number(values.writes);
const SIZES = [1, 10, 100, 1_000].filter((size) => size <= Number(values['max-subscribers']));
const PAIRS = Number(values.pairs);
const BATCH = Number(values.batch);
const WATCHERS_PER_WRITE = 10;

/** The server keeps one byte report a second per upload; the margin covers clock rounding. */
const REPORT_SPACING_MS = 1_100;
const DELIVERY_TIMEOUT_MS = 10_000;
const UPLOAD_SIZE = 10 * 1024 * 1024;
const GOALS = { writeToClientOverRawMs: 100, fanOut1000Ms: 1_000, addedToWriteMs: 20 };

type Reply = Exclude<ServerMessage, UploadEvent>;

interface Connection {
  readonly socket: WebSocket;
  /** Takes the next reply that is not an upload event (one request at a time per connection). */
  onReply?: (reply: Reply) => void;
}

interface Delivery {
  readonly event: UploadEvent;
  readonly firstAt: number;
  readonly lastAt: number;
}

interface Watch {
  readonly uploadId: string;
  readonly match: (event: UploadEvent) => boolean;
  readonly expected: number;
  count: number;
  firstAt?: number;
  done(event: UploadEvent, at: number): void;
}

const watches = new Set<Watch>();
/** When `transition` reported each write, by `uploadId:seq`. */
const writtenAt = new Map<string, number>();

const dir = await mkdtemp(join(tmpdir(), 'bench-progress-'));
const echo = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false });
echo.on('connection', (socket) => socket.on('message', (data, isBinary) => socket.send(data, { binary: isBinary })));
await new Promise((resolve) => echo.once('listening', resolve));
let local: LocalMode | undefined;
const connections: WebSocket[] = [];
try {
  local = await startLocal({
    port: 0,
    s3Port: 0,
    dynamoDbPort: 0,
    sqsPort: 0,
    dataDir: dir,
    expireIntervalSeconds: 0,
    sweepIntervalSeconds: 0,
    log: errorsOnlyLog,
    processUploads: false,
    // One user makes every upload: the per-user limits would refuse most, and they are not measured.
    uploadPolicy: { maxActiveUploadsPerUser: 10_000, maxUploadsPerHourPerUser: 1_000_000 },
    // Only an upload's owner may follow it, so its 1,000 subscribers are one user's connections:
    // the per-user connection limit (20 by default) is raised for the measurement.
    maxConnectionsPerUser: 2_000,
  });
  const stopListening = onStateChange(async ({ record }) => {
    writtenAt.set(`${record.uploadId}:${record.seq}`, performance.now());
  });
  try {
    await run(local, await local.mintToken('bench-progress'));
  } finally {
    stopListening();
  }
} finally {
  // In batches, as they were opened: 1,000 `$disconnect`s at once would queue on the functions' sockets.
  for (let index = 0; index < connections.length; index += BATCH) {
    await Promise.all(connections.slice(index, index + BATCH).map(closeSocket));
  }
  await local?.stop();
  await new Promise((resolve) => echo.close(resolve));
  await rm(dir, { recursive: true, force: true });
}

async function run(local: LocalMode, token: string): Promise<void> {
  const api = async (method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> => {
    const response = await fetch(`${local.apiUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(15_000),
    });
    const text = await response.text();
    return { status: response.status, body: text === '' ? undefined : JSON.parse(text) };
  };
  let uploadCount = 0;
  const createUpload = async (): Promise<string> => {
    const created = await api('POST', '/uploads', { filename: `bench-${uploadCount++}.mp4`, contentType: 'video/mp4', size: UPLOAD_SIZE });
    if (created.status !== 201) throw new Error(`POST /uploads answered ${created.status}: ${JSON.stringify(created.body)}`);
    return (created.body as { uploadId: string }).uploadId;
  };
  const connect = () => openConnection(local.webSocketUrl, token);

  // The uploader's reports: rising counts, each upload's at least REPORT_SPACING_MS apart.
  const uploader = await connect();
  const lastReport = new Map<string, { bytesSent: number; arrivedAt: number }>();
  const report = async (uploadId: string, subscribers: number): Promise<{ sentAt: number; delivery: Delivery; cpuMs: number }> => {
    const last = lastReport.get(uploadId);
    const wait = last === undefined ? 0 : last.arrivedAt + REPORT_SPACING_MS - performance.now();
    if (wait > 0) await sleep(wait);
    const bytesSent = (last?.bytesSent ?? 0) + 1;
    const delivered = expectDelivery(uploadId, subscribers, (event) => event.bytesSent === bytesSent);
    const cpuBefore = process.cpuUsage();
    const sentAt = performance.now();
    uploader.socket.send(JSON.stringify({ action: 'progress', uploadId, bytesSent }));
    const delivery = await delivered;
    const cpu = process.cpuUsage(cpuBefore);
    lastReport.set(uploadId, { bytesSent, arrivedAt: delivery.lastAt });
    return { sentAt, delivery, cpuMs: (cpu.user + cpu.system) / 1000 };
  };

  const started = performance.now();
  console.log(`live progress against local mode: loopback, clients in the same process (Node ${process.version})`);
  console.log('');

  // 1. Write → client against a raw round trip.
  const uploads: string[] = [];
  for (let index = 0; index < UPLOADS; index++) uploads.push(await createUpload());
  const watcher = await connect();
  for (const uploadId of uploads) await request(watcher, { action: 'subscribe', uploadId }, 'subscribed');
  // A first report on each upload loads every module and warms the JIT; it is not counted.
  let payload = '';
  for (const uploadId of uploads) payload = JSON.stringify((await report(uploadId, 1)).delivery.event);
  const raw = await openRawEcho();
  for (let index = 0; index < 20; index++) await raw.roundTrip(payload);

  const rawMs: number[] = [];
  const reportMs: number[] = [];
  const writeMs: number[] = [];
  for (let index = 0; index < SAMPLES; index++) {
    rawMs.push(await raw.roundTrip(payload));
    const { sentAt, delivery } = await report(uploads[index % uploads.length] as string, 1);
    reportMs.push(delivery.lastAt - sentAt);
    writeMs.push(delivery.lastAt - takeWrittenAt(delivery.event));
  }
  raw.socket.terminate();
  console.log(`1. write → client: ${SAMPLES} bytesSent reports over ${uploads.length} uploads, one at a time, ${payload.length}-byte events`);
  console.log(`   ${''.padEnd(30)}${'p50'.padStart(10)}${'p95'.padStart(10)}${'max'.padStart(10)}${'p95 × raw'.padStart(12)}`);
  const row1 = (name: string, samples: number[]) =>
    console.log(
      `   ${name.padEnd(30)}${ms(percentile(samples, 50))}${ms(percentile(samples, 95))}${ms(Math.max(...samples))}${`${(percentile(samples, 95) / percentile(rawMs, 95)).toFixed(1)}×`.padStart(12)}`,
    );
  row1('raw ws round trip (baseline)', rawMs);
  row1('report → subscriber', reportMs);
  row1('  of which write → subscriber', writeMs);
  console.log('');

  // 2. Fan-out to 1, 10, 100, 1,000 subscribers of one upload.
  const fanOutUpload = await createUpload();
  const pool: Connection[] = [];
  const addSubscribers = async (count: number, uploadId: string) => {
    const from = pool.length;
    await forEachLimited(range(from, from + count), BATCH, async () => {
      const connection = await connect();
      await request(connection, { action: 'subscribe', uploadId }, 'subscribed');
      pool.push(connection);
    });
  };
  console.log(`2. fan-out: one upload, ${WRITES_PER_SIZE} bytesSent reports per size, p50 (connections opened and subscribed ${BATCH} at a time)`);
  console.log(
    `   ${'subscribers'.padEnd(12)}${'setup'.padStart(10)}${'report → first'.padStart(16)}${'report → all'.padStart(14)}${'write → all'.padStart(13)}${'per subscriber'.padStart(16)}${'CPU'.padStart(10)}`,
  );
  const fanOut = new Map<number, { reportToAll: number; writeToAll: number }>();
  let setupMs = 0;
  for (const size of SIZES) {
    const setupStarted = performance.now();
    await addSubscribers(size - pool.length, fanOutUpload);
    const setup = performance.now() - setupStarted;
    setupMs += setup;
    const first: number[] = [];
    const all: number[] = [];
    const fromWrite: number[] = [];
    const cpu: number[] = [];
    for (let write = 0; write < WRITES_PER_SIZE; write++) {
      const { sentAt, delivery, cpuMs } = await report(fanOutUpload, size);
      cpu.push(cpuMs);
      first.push(delivery.firstAt - sentAt);
      all.push(delivery.lastAt - sentAt);
      fromWrite.push(delivery.lastAt - takeWrittenAt(delivery.event));
      await local.progressIdle();
    }
    const reportToAll = percentile(all, 50);
    const writeToAll = percentile(fromWrite, 50);
    fanOut.set(size, { reportToAll, writeToAll });
    console.log(
      `   ${size.toLocaleString('en').padEnd(12)}${`${(setup / 1000).toFixed(1)} s`.padStart(10)}${ms(percentile(first, 50), 16)}${ms(reportToAll, 14)}${ms(writeToAll, 13)}${ms(writeToAll / size, 16)}${ms(percentile(cpu, 50))}`,
    );
  }
  console.log("   CPU: this process's CPU time (local mode and every client) from the report until all had it");
  console.log(`   setup: ${pool.length.toLocaleString('en')} connections opened and subscribed in ${(setupMs / 1000).toFixed(1)} s (${((pool.length / setupMs) * 1000).toFixed(0)}/s)`);
  console.log('');

  // 3. What 10 subscribers add to an API write.
  if (pool.length < WATCHERS_PER_WRITE) await addSubscribers(WATCHERS_PER_WRITE - pool.length, fanOutUpload);
  const alone: number[] = [];
  const watched: number[] = [];
  const cancel = async (uploadId: string): Promise<number> => {
    const sentAt = performance.now();
    const answer = await api('DELETE', `/uploads/${uploadId}`);
    const took = performance.now() - sentAt;
    if (answer.status !== 200) throw new Error(`DELETE /uploads/${uploadId} answered ${answer.status}: ${JSON.stringify(answer.body)}`);
    return took;
  };
  // A cancel first, so that its modules are loaded before anything is timed.
  await cancel(await createUpload());
  for (let pair = 0; pair < PAIRS; pair++) {
    const quiet = await createUpload();
    const busy = await createUpload();
    const ten = range(0, WATCHERS_PER_WRITE).map((offset) => pool[(pair * WATCHERS_PER_WRITE + offset) % pool.length] as Connection);
    await Promise.all(ten.map((connection) => request(connection, { action: 'subscribe', uploadId: busy }, 'subscribed')));
    await local.progressIdle();
    for (const uploadId of pair % 2 === 0 ? [quiet, busy] : [busy, quiet]) {
      if (uploadId === quiet) {
        alone.push(await cancel(uploadId));
      } else {
        const delivered = expectDelivery(busy, WATCHERS_PER_WRITE, (event) => event.status === 'cancelled');
        watched.push(await cancel(uploadId));
        await delivered;
      }
      await local.progressIdle();
    }
    // A connection may hold 50 subscriptions: a small pool would run out.
    await Promise.all(ten.map((connection) => request(connection, { action: 'unsubscribe', uploadId: busy }, 'unsubscribed')));
  }
  console.log(`3. DELETE /uploads/{id} (cancel) over HTTP, ${PAIRS} pairs, alternating which goes first`);
  console.log(`   ${''.padEnd(30)}${'p50'.padStart(10)}${'p95'.padStart(10)}${'max'.padStart(10)}`);
  const row3 = (name: string, samples: number[]) =>
    console.log(`   ${name.padEnd(30)}${ms(percentile(samples, 50))}${ms(percentile(samples, 95))}${ms(Math.max(...samples))}`);
  row3('no subscriber (baseline)', alone);
  row3(`${WATCHERS_PER_WRITE} subscribers`, watched);
  const addedP50 = percentile(watched, 50) - percentile(alone, 50);
  const addedP95 = percentile(watched, 95) - percentile(alone, 95);
  console.log(`   added: p50 ${signed(addedP50)}, p95 ${signed(addedP95)}`);
  console.log('');

  const overRaw = percentile(reportMs, 95) - percentile(rawMs, 95);
  const verdict = (met: boolean) => (met ? 'met' : 'NOT MET');
  console.log(
    `goal 1, write → client p95 within ${GOALS.writeToClientOverRawMs} ms of a raw ws round trip: ${verdict(overRaw <= GOALS.writeToClientOverRawMs)} (p95 ${percentile(reportMs, 95).toFixed(1)} ms vs raw ${percentile(rawMs, 95).toFixed(1)} ms: ${signed(overRaw)})`,
  );
  const served = fanOut.get(1_000);
  console.log(
    served
      ? `goal 2, all 1,000 subscribers served within ${GOALS.fanOut1000Ms} ms: ${verdict(served.reportToAll <= GOALS.fanOut1000Ms)} (p50 ${served.reportToAll.toFixed(0)} ms from the report, ${served.writeToAll.toFixed(0)} ms from the write)`
      : 'goal 2, all 1,000 subscribers served within 1 s: not measured (--max-subscribers is below 1000)',
  );
  console.log(
    `goal 3, ${WATCHERS_PER_WRITE} subscribers add at most ${GOALS.addedToWriteMs} ms to an API write's p95: ${verdict(addedP95 <= GOALS.addedToWriteMs)} (p95 ${percentile(alone, 95).toFixed(1)} → ${percentile(watched, 95).toFixed(1)} ms: ${signed(addedP95)})`,
  );
  console.log(`whole run ${((performance.now() - started) / 1000).toFixed(0)} s (without start and stop)`);
}

async function openConnection(url: string, token: string): Promise<Connection> {
  const socket = new WebSocket(url, [PROGRESS_PROTOCOL, `${BEARER_PROTOCOL_PREFIX}${token}`], { perMessageDeflate: false });
  connections.push(socket);
  const connection: Connection = { socket };
  socket.on('message', (data) => {
    const at = performance.now();
    const message = JSON.parse(data.toString()) as ServerMessage;
    if (isUploadEvent(message)) observe(message, at);
    else connection.onReply?.(message);
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('unexpected-response', (_request, response) => reject(new Error(`The handshake was refused with ${response.statusCode}`)));
    socket.once('error', reject);
  });
  return connection;
}

/** Sends a request and resolves on its acknowledgement; a refusal rejects. */
async function request(connection: Connection, message: object, acknowledgement: 'subscribed' | 'unsubscribed'): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`No ${acknowledgement} within ${DELIVERY_TIMEOUT_MS} ms for ${JSON.stringify(message)}`)), DELIVERY_TIMEOUT_MS);
    connection.onReply = (reply) => {
      if (reply.type !== acknowledgement && reply.type !== 'error') return;
      clearTimeout(timer);
      connection.onReply = undefined;
      if (reply.type === 'error') reject(new Error(`${JSON.stringify(message)} was refused: ${reply.error.code} ${reply.error.message}`));
      else resolve();
    };
    connection.socket.send(JSON.stringify(message));
  });
}

/** Resolves once `expected` connections got an event of the upload that matches. */
function expectDelivery(uploadId: string, expected: number, match: (event: UploadEvent) => boolean): Promise<Delivery> {
  return new Promise((resolve, reject) => {
    const watch: Watch = {
      uploadId,
      match,
      expected,
      count: 0,
      done: (event, at) => {
        clearTimeout(timer);
        resolve({ event, firstAt: watch.firstAt ?? at, lastAt: at });
      },
    };
    const timer = setTimeout(() => {
      watches.delete(watch);
      reject(new Error(`${watch.count} of ${expected} subscribers of ${uploadId} got the write within ${DELIVERY_TIMEOUT_MS} ms`));
    }, DELIVERY_TIMEOUT_MS);
    watches.add(watch);
  });
}

function observe(event: UploadEvent, at: number): void {
  for (const watch of watches) {
    if (watch.uploadId !== event.uploadId || !watch.match(event)) continue;
    watch.count += 1;
    watch.firstAt ??= at;
    if (watch.count === watch.expected) {
      watches.delete(watch);
      watch.done(event, at);
    }
  }
}

function takeWrittenAt(event: UploadEvent): number {
  const key = `${event.uploadId}:${event.seq}`;
  const at = writtenAt.get(key);
  if (at === undefined) throw new Error(`No write of ${key} was reported through onStateChange`);
  writtenAt.delete(key);
  return at;
}

async function openRawEcho(): Promise<{ socket: WebSocket; roundTrip(payload: string): Promise<number> }> {
  const socket = new WebSocket(`ws://127.0.0.1:${(echo.address() as AddressInfo).port}`, { perMessageDeflate: false });
  await new Promise((resolve, reject) => {
    socket.once('open', resolve);
    socket.once('error', reject);
  });
  return {
    socket,
    roundTrip: (payload) =>
      new Promise((resolve) => {
        const sentAt = performance.now();
        socket.once('message', () => resolve(performance.now() - sentAt));
        socket.send(payload);
      }),
  };
}

async function closeSocket(socket: WebSocket): Promise<void> {
  if (socket.readyState === WebSocket.CLOSED) return;
  const closed = new Promise((resolve) => socket.once('close', resolve));
  socket.close(1000);
  await closed;
}

async function forEachLimited<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++] as T);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

function range(from: number, to: number): number[] {
  return Array.from({ length: Math.max(0, to - from) }, (_, index) => from + index);
}

/** Nearest-rank percentile. */
function percentile(samples: readonly number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? Number.NaN;
}

function ms(value: number, width = 10): string {
  return `${value.toFixed(1)} ms`.padStart(width);
}

function signed(value: number): string {
  return `${value >= 0 ? '+' : '−'}${Math.abs(value).toFixed(1)} ms`;
}

function sleep(milliseconds: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, milliseconds));
}
