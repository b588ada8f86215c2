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

/** The one error document a --json failure writes: exactly one line of JSON on stderr. */
function errorOf(stderr: string): { code: string; message: string; [field: string]: unknown } {
  expect(stderr.endsWith('\n')).toBe(true);
  expect(stderr.trimEnd().split('\n')).toHaveLength(1);
  return (JSON.parse(stderr) as { error: { code: string; message: string } }).error;
}

describe('runCli --json', () => {
  let dir: string;
  let file: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cli-json-'));
    file = join(dir, 'song.mp3');
    await writeFile(file, patternBytes(10));
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('upload --json prints the record as the one JSON document on stdout and nothing on stderr: no id line, no progress', async () => {
    const fake = new FakePipeline({ partSize: 4 });
    fake.onApi = (call) => {
      if (call.method === 'GET' && call.path === '/uploads/up1') fake.upload('up1').status = 'ready';
      return undefined;
    };
    const { io, stdout, stderr } = ioFor(fake, undefined, { pollDelay: { baseMs: 1, maxMs: 1 } });

    expect(await runCli(['upload', file, '--json'], io)).toBe(0);

    expect(JSON.parse(stdout())).toMatchObject({ uploadId: 'up1', status: 'ready', filename: 'song.mp3' });
    expect(stderr()).toBe('');
  });

  it('upload --json --no-wait stops at uploaded with the record on stdout', async () => {
    const { io, stdout, stderr } = ioFor(new FakePipeline({ partSize: 4 }));

    expect(await runCli(['upload', file, '--no-wait', '--json'], io)).toBe(0);

    expect(JSON.parse(stdout())).toMatchObject({ uploadId: 'up1', status: 'uploaded' });
    expect(stderr()).toBe('');
  });

  it('an API refusal is exit 1 and one error document with the API code, its HTTP status and the wait it asked for', async () => {
    const fake = new FakePipeline();
    const message = 'You created 100 uploads this hour and the limit is 100 per hour';
    fake.onApi = () => new Response(JSON.stringify({ error: { code: 'RATE_LIMITED', message } }), { status: 429, headers: { 'retry-after': '2400' } });
    const { io, stdout, stderr } = ioFor(fake);

    expect(await runCli(['upload', file, '--json'], io)).toBe(1);

    expect(errorOf(stderr())).toEqual({ code: 'RATE_LIMITED', message, status: 429, retryAfterSeconds: 2400 });
    expect(stdout()).toBe('');
  });

  it('parts that keep failing give the SDK code and the upload id to resume, without the human hint', async () => {
    const fake = new FakePipeline({ partSize: 4 });
    fake.onPut = () => {
      throw new TypeError('fetch failed');
    };
    const { io, stderr } = ioFor(fake);

    expect(await runCli(['upload', file, '--concurrency', '1', '--json'], io)).toBe(1);

    expect(errorOf(stderr())).toMatchObject({ code: 'PART_FAILED', uploadId: 'up1', partNumber: 1 });
  });

  it('a file that cannot be read is SOURCE_UNREADABLE, before any request', async () => {
    const fake = new FakePipeline();
    const { io, stderr } = ioFor(fake);

    expect(await runCli(['upload', join(dir, 'missing.mp3'), '--json'], io)).toBe(1);

    expect(errorOf(stderr())).toMatchObject({ code: 'SOURCE_UNREADABLE', message: expect.stringContaining('missing.mp3') });
    expect(fake.apiCalls).toHaveLength(0);
  });

  it('Ctrl-C during the transfer is exit 130 and INTERRUPTED with the upload id and the command that resumes', async () => {
    const fake = new FakePipeline({ partSize: 1, putDelayMs: 20 });
    const interrupt = new AbortController();
    fake.onPut = () => {
      fake.onPut = undefined;
      interrupt.abort();
      return undefined;
    };
    const { io, stderr, stdout } = ioFor(fake, interrupt.signal);

    expect(await runCli(['upload', file, '--json'], io)).toBe(130);

    expect(errorOf(stderr())).toEqual({
      code: 'INTERRUPTED',
      message: `Interrupted. Resume with: media-pipeline upload ${file} --resume up1`,
      uploadId: 'up1',
    });
    expect(stdout()).toBe('');
  });

  it('processing that fails is exit 3 with the pipeline code and the state the upload ended in', async () => {
    const fake = new FakePipeline({ partSize: 4 });
    const server = new FakeProgressServer();
    server.onConnect = (socket) => queueMicrotask(() => socket.accept());
    server.onMessage = (socket, message) => {
      if (message.action !== 'subscribe' || message.uploadId !== 'up1') return;
      queueMicrotask(() => {
        socket.push({ type: 'subscribed', uploadId: 'up1' });
        socket.push(uploadEvent('up1', 5, 'failed', { error: { code: 'UNSUPPORTED_MEDIA', message: 'No audio or video stream' } }));
      });
    };
    const { io, stdout, stderr } = ioFor(fake, undefined, {
      webSocket: server.WebSocket,
      env: { MEDIA_PIPELINE_API: API_URL, MEDIA_PIPELINE_TOKEN: fake.token, MEDIA_PIPELINE_WS_URL: 'ws://127.0.0.1:1/ws' },
    });

    expect(await runCli(['upload', file, '--json'], io)).toBe(3);

    expect(errorOf(stderr())).toEqual({
      code: 'UNSUPPORTED_MEDIA',
      message: 'Upload up1 is failed: UNSUPPORTED_MEDIA: No audio or video stream',
      uploadId: 'up1',
      uploadStatus: 'failed',
    });
    expect(stdout()).toBe('');
  });

  it('status --json prints the record, and an unknown upload is NOT_FOUND with 404', async () => {
    const fake = new FakePipeline({ partSize: 4 });
    await runCli(['upload', file, '--no-wait'], ioFor(fake).io);

    const found = ioFor(fake);
    expect(await runCli(['status', 'up1', '--json'], found.io)).toBe(0);
    expect(JSON.parse(found.stdout())).toMatchObject({ uploadId: 'up1', status: 'uploaded' });

    const missing = ioFor(fake);
    expect(await runCli(['status', 'nope', '--json'], missing.io)).toBe(1);
    expect(errorOf(missing.stderr())).toEqual({ code: 'NOT_FOUND', message: 'Upload nope was not found', status: 404 });
    expect(missing.stdout()).toBe('');
  });

  it('ls --json prints the page (cursor included) and no hint; an unreachable API is NETWORK_ERROR', async () => {
    const fake = new FakePipeline({ partSize: 4 });
    fake.onApi = (call) => (call.method === 'GET' && call.path === '/uploads' ? json(200, { items: [], cursor: 'next-page' }) : undefined);
    const page = ioFor(fake);

    expect(await runCli(['ls', '--json'], page.io)).toBe(0);
    expect(JSON.parse(page.stdout())).toEqual({ items: [], cursor: 'next-page' });
    expect(page.stderr()).toBe('');

    const down = ioFor(fake, undefined, {
      fetch: () => Promise.reject(new TypeError('fetch failed', { cause: new Error('connect ECONNREFUSED 127.0.0.1:1') })),
    });
    expect(await runCli(['ls', '--json'], down.io)).toBe(1);
    expect(errorOf(down.stderr())).toMatchObject({ code: 'NETWORK_ERROR', message: expect.stringContaining('ECONNREFUSED') });
  });

  it('watch --json keeps stderr for the error document: a refused subscription is NOT_FOUND with the upload id', async () => {
    const fake = new FakePipeline();
    const server = new FakeProgressServer();
    server.onConnect = (socket) => queueMicrotask(() => socket.accept());
    server.onMessage = (socket, message) => {
      if (message.action !== 'subscribe') return;
      queueMicrotask(() => socket.push({ type: 'error', action: 'subscribe', uploadId: 'theirs', error: { code: 'NOT_FOUND', message: 'Upload theirs was not found' } }));
    };
    const { io, stderr } = ioFor(fake, undefined, {
      webSocket: server.WebSocket,
      env: { MEDIA_PIPELINE_API: API_URL, MEDIA_PIPELINE_TOKEN: fake.token, MEDIA_PIPELINE_WS_URL: 'ws://127.0.0.1:1/ws' },
    });

    expect(await runCli(['watch', 'theirs', '--json'], io)).toBe(1);

    expect(errorOf(stderr())).toEqual({ code: 'NOT_FOUND', message: 'Upload theirs was not found', uploadId: 'theirs' });
  });

  it('wrong usage stays a plain one-line hint with exit 2, --json or not', async () => {
    const { io, stderr } = ioFor(new FakePipeline());

    expect(await runCli(['status', '--json'], io)).toBe(2);
    expect(stderr()).toBe('media-pipeline: status takes exactly one ID, got none\nRun "media-pipeline help" for usage.\n');
  });
});
