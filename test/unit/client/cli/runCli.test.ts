import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type CliIo, runCli } from '../../../../client/cli/runCli.js';
import { API_URL, FakePipeline, json, patternBytes } from '../fakePipeline.js';
import { FakeProgressServer, uploadEvent } from '../fakeWebSocket.js';

function ioFor(fake: FakePipeline, interrupt = new AbortController().signal, overrides: Partial<CliIo> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = {
    stdout: { write: (text: string) => out.push(text) },
    stderr: { isTTY: false, write: (text: string) => err.push(text) },
    env: { MEDIA_PIPELINE_API: API_URL, MEDIA_PIPELINE_TOKEN: fake.token },
    interrupt,
    fetch: fake.fetch,
    retryDelay: { baseMs: 1, maxMs: 1 },
    webSocket: null,
    ...overrides,
  };
  return { io, stdout: () => out.join(''), stderr: () => err.join('') };
}

describe('runCli', () => {
  let dir: string;
  let file: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cli-'));
    file = join(dir, 'song.mp3');
    await writeFile(file, patternBytes(10));
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('uploads a file with --no-wait: the id on stderr before any part, progress to 100%, the uploaded record as JSON on stdout, exit 0', async () => {
    const fake = new FakePipeline({ partSize: 4 });
    const { io, stdout, stderr } = ioFor(fake);
    let stderrAtFirstPut: string | undefined;
    fake.onPut = () => {
      stderrAtFirstPut ??= stderr();
      return undefined;
    };

    const code = await runCli(['upload', file, '--no-wait'], io);

    expect(code).toBe(0);
    expect(stderrAtFirstPut).toContain('Upload up1: 10 B in 3 parts of 4 B');
    expect(stderr()).toContain('100.0%  10 B / 10 B');
    expect(JSON.parse(stdout())).toMatchObject({ uploadId: 'up1', status: 'uploaded', contentType: 'audio/mpeg', filename: 'song.mp3' });
    expect(fake.bytesOf('up1')).toEqual(Buffer.from(patternBytes(10)));
  });

  it('resumes with --resume, sending only the missing parts', async () => {
    const fake = new FakePipeline({ partSize: 4 });
    const { io } = ioFor(fake);
    const created = await (await fake.fetch(`${API_URL}/uploads`, {
      method: 'POST',
      headers: { authorization: `Bearer ${fake.token}` },
      body: JSON.stringify({ filename: 'song.mp3', contentType: 'audio/mpeg', size: 10 }),
    })).json() as { uploadId: string };
    fake.storePart(created.uploadId, 1, patternBytes(10).subarray(0, 4));

    const code = await runCli(['upload', file, '--resume', created.uploadId, '--no-wait'], io);

    expect(code).toBe(0);
    expect(fake.puts.map((put) => put.partNumber).sort()).toEqual([2, 3]);
  });

  it('exits 1 with the API code and message when the API refuses', async () => {
    const fake = new FakePipeline();
    fake.onApi = () => json(413, { error: { code: 'TOO_LARGE', message: 'size 10 is over the limit' } });
    const { io, stdout, stderr } = ioFor(fake);

    expect(await runCli(['upload', file], io)).toBe(1);
    expect(stderr()).toContain('media-pipeline: TOO_LARGE (413): size 10 is over the limit');
    expect(stdout()).toBe('');
  });

  it('exits 1 at a per-user quota with the numbers the API gave and what to do about it', async () => {
    const fake = new FakePipeline();
    const message = 'You have 5 unfinished uploads and the limit is 5 per user; complete or cancel one, or wait until one finishes processing, then try again';
    fake.onApi = () => json(403, { error: { code: 'QUOTA_EXCEEDED', message } });
    const { io, stderr } = ioFor(fake);

    expect(await runCli(['upload', file], io)).toBe(1);
    expect(stderr()).toContain(`media-pipeline: QUOTA_EXCEEDED (403): ${message}\n`);
    expect(stderr()).toContain('See your uploads with "media-pipeline ls"; cancel or delete one with "media-pipeline rm <uploadId>".');
    expect(stderr()).not.toContain('Resume with');
  });

  it('exits 1 at once on the hourly limit, without retrying the create, and says when it ends', async () => {
    const fake = new FakePipeline();
    const message = 'You created 100 uploads this hour and the limit is 100 per hour; try again after 2026-03-01T13:00:00.000Z (in 40 min)';
    fake.onApi = () => new Response(JSON.stringify({ error: { code: 'RATE_LIMITED', message } }), { status: 429, headers: { 'retry-after': '2400' } });
    const { io, stderr } = ioFor(fake);

    expect(await runCli(['upload', file], io)).toBe(1);
    expect(stderr()).toContain(`media-pipeline: RATE_LIMITED (429): ${message}\n`);
    expect(fake.callsTo('POST', /^\/uploads$/)).toHaveLength(1);
  });

  it('exits 1 and says how to resume when parts keep failing', async () => {
    const fake = new FakePipeline({ partSize: 4 });
    fake.onPut = () => {
      throw new TypeError('fetch failed');
    };
    const { io, stderr } = ioFor(fake);

    expect(await runCli(['upload', file, '--concurrency', '1'], io)).toBe(1);
    expect(stderr()).toContain('PART_FAILED');
    expect(stderr()).toContain(`media-pipeline upload ${file} --resume up1`);
  });

  it('exits 1 when the file cannot be read, before any request', async () => {
    const fake = new FakePipeline();
    const { io, stderr } = ioFor(fake);

    expect(await runCli(['upload', join(dir, 'missing.mp3')], io)).toBe(1);
    expect(stderr()).toContain('cannot read');
    expect(fake.apiCalls).toHaveLength(0);
  });

  it('exits 2 with a usage hint on a bad command line, before any request', async () => {
    const fake = new FakePipeline();
    const { io, stderr } = ioFor(fake);

    expect(await runCli(['upload'], io)).toBe(2);
    expect(stderr()).toBe('media-pipeline: upload takes exactly one FILE, got none\nRun "media-pipeline help" for usage.\n');
    expect(await runCli(['status', 'u1', '--api', 'ftp://x'], io)).toBe(2);
    expect(fake.apiCalls).toHaveLength(0);
  });

  it('prints the usage on stdout for --help and exits 0', async () => {
    const { io, stdout } = ioFor(new FakePipeline());

    expect(await runCli(['--help'], io)).toBe(0);
    expect(stdout()).toMatch(/^Usage: media-pipeline <command>/);
  });

  it('on Ctrl-C aborts the PUTs in flight, prints how to resume and exits 130', async () => {
    const fake = new FakePipeline({ partSize: 1, putDelayMs: 20 });
    const interrupt = new AbortController();
    // Ctrl-C as the first PUT finishes, while others are still in flight.
    fake.onPut = () => {
      fake.onPut = undefined;
      interrupt.abort();
      return undefined;
    };
    const { io, stderr, stdout } = ioFor(fake, interrupt.signal);

    expect(await runCli(['upload', file], io)).toBe(130);
    expect(stderr()).toContain(`Interrupted. Resume with:\n  media-pipeline upload ${file} --resume up1\n`);
    expect(stdout()).toBe('');
    expect(fake.callsTo('POST', /complete$/)).toHaveLength(0);
    expect(fake.upload('up1').status).toBe('initiated');
  });

  it('status prints the record as JSON', async () => {
    const fake = new FakePipeline({ partSize: 4 });
    const { io } = ioFor(fake);
    await runCli(['upload', file, '--no-wait'], io);
    const status = ioFor(fake);

    expect(await runCli(['status', 'up1'], status.io)).toBe(0);
    expect(JSON.parse(status.stdout())).toMatchObject({ uploadId: 'up1', status: 'uploaded' });
  });

  it('status of an unknown upload exits 1 with NOT_FOUND', async () => {
    const { io, stderr } = ioFor(new FakePipeline());

    expect(await runCli(['status', 'nope'], io)).toBe(1);
    expect(stderr()).toContain('NOT_FOUND (404): Upload nope was not found');
  });

  it('ls prints a table, passes the filters, and --json prints the page', async () => {
    const fake = new FakePipeline({ partSize: 4 });
    await runCli(['upload', file, '--no-wait'], ioFor(fake).io);
    const table = ioFor(fake);

    expect(await runCli(['ls', '--status', 'uploaded', '--limit', '5'], table.io)).toBe(0);
    expect(fake.apiCalls.at(-1)?.path).toBe('/uploads?status=uploaded&limit=5');
    expect(table.stdout().split('\n')[0]).toMatch(/^UPLOAD ID\s+STATUS\s+SIZE\s+CREATED\s+FILENAME$/);
    expect(table.stdout()).toMatch(/up1\s+uploaded\s+10 B\s+\S+\s+song\.mp3/);

    const asJson = ioFor(fake);
    expect(await runCli(['ls', '--json'], asJson.io)).toBe(0);
    expect(JSON.parse(asJson.stdout()).items).toHaveLength(1);
  });

  it('rm deletes the upload', async () => {
    const fake = new FakePipeline({ partSize: 4 });
    await runCli(['upload', file, '--no-wait'], ioFor(fake).io);
    const removal = ioFor(fake);

    expect(await runCli(['rm', 'up1'], removal.io)).toBe(0);
    expect(removal.stderr()).toBe('Deleted upload up1\n');
    expect(fake.callsTo('DELETE', /^\/uploads\/up1$/)).toHaveLength(1);
  });
});

describe('runCli: live progress', () => {
  const WS_URL = 'ws://127.0.0.1:1/ws';
  let dir: string;
  let file: string;
  let fake: FakePipeline;
  let server: FakeProgressServer;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cli-live-'));
    file = join(dir, 'clip.mp4');
    await writeFile(file, patternBytes(10));
    fake = new FakePipeline({ partSize: 4 });
    server = new FakeProgressServer();
    server.onConnect = (socket) => queueMicrotask(() => socket.accept());
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  /** A CLI wired to the fake server; the WebSocket URL comes from the environment, as a user would set it. */
  function liveIo(interrupt?: AbortSignal) {
    const result = ioFor(fake, interrupt, { webSocket: server.WebSocket, pollDelay: { baseMs: 1, maxMs: 1 } });
    return { ...result, io: { ...result.io, env: { ...result.io.env, MEDIA_PIPELINE_WS_URL: WS_URL } } };
  }

  /** Answers the subscription to `uploadId` with these events, after `subscribed`. */
  function onSubscribe(uploadId: string | undefined, events: () => Parameters<typeof uploadEvent>[]) {
    server.onMessage = (socket, message) => {
      if (message.action !== 'subscribe' || message.uploadId !== uploadId) return;
      queueMicrotask(() => {
        socket.push({ type: 'subscribed', ...(uploadId === undefined ? {} : { uploadId }) });
        for (const args of events()) socket.push(uploadEvent(...args));
      });
    };
  }

  it('upload follows processing on the same socket until ready: stage and percent on stderr, the ready record on stdout, exit 0', async () => {
    onSubscribe('up1', () => {
      fake.upload('up1').status = 'ready';
      return [
        ['up1', 3, 'uploaded'],
        ['up1', 4, 'processing', { stage: 'probe', progress: 0 }],
        ['up1', 5, 'processing', { stage: 'transcode', progress: 50 }],
        ['up1', 6, 'ready'],
      ];
    });
    const { io, stdout, stderr } = liveIo();

    expect(await runCli(['upload', file], io)).toBe(0);

    expect(stderr()).toContain('Uploaded; waiting for processing\nProcessing: probe 0%\nProcessing: transcode 50%\nReady.\n');
    expect(JSON.parse(stdout())).toMatchObject({ uploadId: 'up1', status: 'ready' });
    expect(server.sockets).toHaveLength(1);
    expect(server.latest().subscriptions()).toEqual(['up1']);
  });

  it('upload exits 3 with the upload error code when processing fails', async () => {
    onSubscribe('up1', () => [['up1', 5, 'failed', { error: { code: 'UNSUPPORTED_MEDIA', message: 'No audio or video stream' } }]]);
    const { io, stdout, stderr } = liveIo();

    expect(await runCli(['upload', file], io)).toBe(3);

    expect(stderr()).toContain('media-pipeline: UNSUPPORTED_MEDIA: Upload up1 is failed: UNSUPPORTED_MEDIA: No audio or video stream');
    expect(stdout()).toBe('');
  });

  it('upload follows by polling GET /uploads/{id} when there is no WebSocket', async () => {
    const statuses = ['processing', 'processing', 'ready'];
    fake.onApi = (call) => {
      if (call.method === 'GET' && call.path === '/uploads/up1') fake.upload('up1').status = statuses.shift() ?? 'ready';
      return undefined;
    };
    const { io, stdout } = ioFor(fake, undefined, { pollDelay: { baseMs: 1, maxMs: 1 } });

    expect(await runCli(['upload', file], io)).toBe(0);

    expect(JSON.parse(stdout())).toMatchObject({ status: 'ready' });
    expect(fake.callsTo('GET', /^\/uploads\/up1$/)).toHaveLength(3);
  });

  it('upload --no-wait stops at uploaded with exit 0 and subscribes to nothing', async () => {
    const { io, stdout } = liveIo();

    expect(await runCli(['upload', file, '--no-wait'], io)).toBe(0);

    expect(JSON.parse(stdout())).toMatchObject({ status: 'uploaded' });
    expect(server.sockets.flatMap((socket) => socket.subscriptions())).toEqual([]);
  });

  it('Ctrl-C while following exits 130 and says how to follow again', async () => {
    const controller = new AbortController();
    onSubscribe('up1', () => {
      queueMicrotask(() => controller.abort());
      return [['up1', 4, 'processing', { stage: 'transcode', progress: 10 }]];
    });
    const { io, stderr } = liveIo(controller.signal);

    expect(await runCli(['upload', file], io)).toBe(130);

    expect(stderr()).toContain('Stopped following; upload up1 goes on. Follow it again with:\n  media-pipeline watch up1');
  });

  it('watch ID prints a line per event and exits 0 at ready, 3 at another final state', async () => {
    onSubscribe('up9', () => [
      ['up9', 2, 'initiated', { bytesSent: 50, totalBytes: 100 }],
      ['up9', 3, 'processing', { stage: 'thumbnails', progress: 80 }],
      ['up9', 4, 'ready', { media: { kind: 'video' } }],
    ]);
    const ready = liveIo();

    expect(await runCli(['watch', 'up9'], ready.io)).toBe(0);
    expect(ready.stdout().split('\n')).toEqual([
      '2025-01-01T00:00:00.000Z  up9  initiated   50 B / 100 B (50.0%)  clip.mp4',
      '2025-01-01T00:00:00.000Z  up9  processing  thumbnails 80%  clip.mp4',
      '2025-01-01T00:00:00.000Z  up9  ready       video  clip.mp4',
      '',
    ]);

    onSubscribe('up9', () => [['up9', 5, 'cancelled']]);
    expect(await runCli(['watch', 'up9'], liveIo().io)).toBe(3);
  });

  it('watch without an ID follows all uploads, one JSON object per line with --json, until Ctrl-C (130)', async () => {
    const controller = new AbortController();
    onSubscribe(undefined, () => {
      setTimeout(() => controller.abort(), 0);
      return [
        ['a', 1, 'initiated'],
        ['b', 7, 'ready'],
      ];
    });
    const { io, stdout } = liveIo(controller.signal);

    expect(await runCli(['watch', '--json'], io)).toBe(130);

    const lines = stdout().trim().split('\n').map((line) => JSON.parse(line) as { uploadId: string; seq: number });
    expect(lines.map((event) => `${event.uploadId}@${event.seq}`)).toEqual(['a@1', 'b@7']);
  });

  it('watch exits 1 with the code when the server refuses the subscription', async () => {
    server.onMessage = (socket, message) => {
      if (message.action === 'subscribe') {
        queueMicrotask(() => socket.push({ type: 'error', action: 'subscribe', uploadId: 'theirs', error: { code: 'NOT_FOUND', message: 'Upload theirs was not found' } }));
      }
    };
    const { io, stderr } = liveIo();

    expect(await runCli(['watch', 'theirs'], io)).toBe(1);
    expect(stderr()).toContain('media-pipeline: NOT_FOUND: Upload theirs was not found');
  });

  it('watch exits 1 when it cannot connect, after telling each attempt', async () => {
    server.onConnect = (socket) => queueMicrotask(() => socket.refuse());
    const { io, stderr } = ioFor(fake, undefined, {
      webSocket: server.WebSocket,
      reconnectDelay: { baseMs: 1, maxMs: 1 },
      env: { MEDIA_PIPELINE_API: API_URL, MEDIA_PIPELINE_TOKEN: fake.token, MEDIA_PIPELINE_WS_URL: WS_URL },
    });

    expect(await runCli(['watch'], io)).toBe(1);
    expect(stderr()).toContain('No connection; trying again in 1s, attempt 1 of 8');
    expect(stderr()).toContain('media-pipeline: CONNECT_FAILED: The progress connection failed 8 times in a row');
  });

  it('a --ws-url that is not ws:// or wss:// is a usage error (exit 2)', async () => {
    const { io, stderr } = ioFor(fake);

    expect(await runCli(['watch', '--ws-url', 'https://example.test'], io)).toBe(2);
    expect(stderr()).toContain('webSocketUrl must be a ws(s) URL, got https://example.test');
  });

  it('watch without a WebSocket URL anywhere exits 1 and says where to set one', async () => {
    const { io, stderr } = ioFor(fake, undefined, { webSocket: server.WebSocket });

    expect(await runCli(['watch'], io)).toBe(1);
    expect(stderr()).toContain('NO_WEBSOCKET_URL');
    expect(server.sockets).toHaveLength(0);
  });
});
