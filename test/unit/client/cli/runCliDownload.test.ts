import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type CliIo, runCli } from '../../../../client/cli/runCli.js';
import { API_URL, FakePipeline, patternBytes } from '../fakePipeline.js';

const SIZE = 1000;

function ioFor(fake: FakePipeline, interrupt = new AbortController().signal) {
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
  };
  return { io, stdout: () => out.join(''), stderr: () => err.join('') };
}

/** An S3 answer whose body breaks after `bytes` of `from`, as a dropped connection does. */
function brokenAfter(from: Uint8Array, start: number, bytes: number): Response {
  let sent = false;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent) controller.error(new TypeError('terminated'));
      else controller.enqueue(from.subarray(start, start + bytes));
      sent = true;
    },
  });
  return new Response(body, { status: 206, headers: { 'content-range': `bytes ${start}-${from.length - 1}/${from.length}` } });
}

describe('runCli download', () => {
  const original = patternBytes(SIZE);
  let dir: string;
  let path: string;
  let fake: FakePipeline;
  let uploadId: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cli-download-'));
    path = join(dir, 'saved.mp4');
    fake = new FakePipeline();
    uploadId = fake.addStored('talk.mp4', original);
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('saves the original to PATH with progress to 100%, prints PATH on stdout and exits 0', async () => {
    const { io, stdout, stderr } = ioFor(fake);

    expect(await runCli(['download', uploadId, path], io)).toBe(0);

    expect(await readFile(path)).toEqual(Buffer.from(original));
    expect(stdout()).toBe(`${path}\n`);
    expect(stderr()).toContain(`Downloading upload ${uploadId} to ${path} (1000 B)`);
    expect(stderr()).toContain('100.0%  1000 B / 1000 B');
    expect(stderr()).toMatch(/Downloaded in \d+s/);
    expect(fake.callsTo('GET', new RegExp(`^/uploads/${uploadId}/download$`))).toHaveLength(1);
    expect(fake.gets).toEqual([{ uploadId, range: null }]);
  });

  it('resumes a PATH that holds the start of the original: asks from its last byte on and writes only the rest', async () => {
    await writeFile(path, original.subarray(0, 600));
    const { io, stderr } = ioFor(fake);

    expect(await runCli(['download', uploadId, path], io)).toBe(0);

    expect(fake.gets).toEqual([{ uploadId, range: 'bytes=599-' }]);
    expect(await readFile(path)).toEqual(Buffer.from(original));
    expect(stderr()).toContain(`Resuming ${path} at 600 B of 1000 B`);
  });

  it('leaves a complete PATH as it is and exits 0', async () => {
    await writeFile(path, original);
    const { io } = ioFor(fake);

    expect(await runCli(['download', uploadId, path], io)).toBe(0);

    expect(fake.gets).toEqual([{ uploadId, range: 'bytes=999-' }]);
    expect(await readFile(path)).toEqual(Buffer.from(original));
  });

  it('refuses to resume into a file that does not end like the original (another file) and leaves it alone: exit 1, FILE_MISMATCH', async () => {
    const other = Buffer.from(original.subarray(0, 600)).fill(0xff, 599);
    await writeFile(path, other);
    const { io, stderr } = ioFor(fake);

    expect(await runCli(['download', uploadId, path], io)).toBe(1);

    expect(stderr()).toContain('FILE_MISMATCH');
    expect(stderr()).not.toContain('Resume with');
    expect(await readFile(path)).toEqual(other);
  });

  it('refuses a PATH larger than the original (S3 answers 416): exit 1, FILE_LARGER, file untouched', async () => {
    const larger = Buffer.concat([Buffer.from(original), Buffer.from('tail')]);
    await writeFile(path, larger);
    const { io, stderr } = ioFor(fake);

    expect(await runCli(['download', uploadId, path], io)).toBe(1);

    expect(stderr()).toContain(`FILE_LARGER: ${path} holds 1004 bytes, more than the original`);
    expect(await readFile(path)).toEqual(larger);
  });

  it('keeps what arrived when the connection drops, says how to resume, and the resumed run completes the file', async () => {
    await writeFile(path, original.subarray(0, 100));
    fake.onGet = () => brokenAfter(original, 99, 301);
    const first = ioFor(fake);

    expect(await runCli(['download', uploadId, path], first.io)).toBe(1);
    expect(first.stderr()).toContain('NETWORK_ERROR');
    expect(first.stderr()).toContain(`Resume with:\n  media-pipeline download ${uploadId} ${path}\n`);
    expect((await readFile(path)).length).toBe(400);

    fake.onGet = undefined;
    const second = ioFor(fake);
    expect(await runCli(['download', uploadId, path], second.io)).toBe(0);
    expect(fake.gets.at(-1)).toEqual({ uploadId, range: 'bytes=399-' });
    expect(await readFile(path)).toEqual(Buffer.from(original));
  });

  it('exits 130 on Ctrl-C mid-download, keeping the bytes and printing how to resume', async () => {
    const interrupt = new AbortController();
    fake.onGet = () => {
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(original.subarray(0, 250));
        },
        pull: () => {
          interrupt.abort();
          return new Promise(() => undefined);
        },
      });
      return new Response(body, { status: 200, headers: { 'content-length': String(SIZE) } });
    };
    const { io, stderr } = ioFor(fake, interrupt.signal);

    expect(await runCli(['download', uploadId, path], io)).toBe(130);

    expect(stderr()).toContain(`Interrupted. Resume with:\n  media-pipeline download ${uploadId} ${path}\n`);
    expect((await readFile(path)).length).toBe(250);
  });

  it('exits 1 with the API code when the upload has no original, and writes no file', async () => {
    const pending = fake.addStored('late.mp4', original, 'cancelled');
    const { io, stderr } = ioFor(fake);

    expect(await runCli(['download', pending, path], io)).toBe(1);

    expect(stderr()).toContain(`media-pipeline: INVALID_STATE (409): Upload ${pending} is cancelled`);
    await expect(readFile(path)).rejects.toMatchObject({ code: 'ENOENT' });
    expect(fake.gets).toEqual([]);
  });

  it('exits 1 naming S3 refusal (an expired URL) without touching PATH', async () => {
    fake.onGet = () => new Response('<Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>', { status: 403 });
    const { io, stderr } = ioFor(fake);

    expect(await runCli(['download', uploadId, path], io)).toBe(1);

    expect(stderr()).toContain('DOWNLOAD_REFUSED: S3 refused the download with 403: AccessDenied: Request has expired');
    await expect(readFile(path)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('exits 2 with a usage error for no ID or more than ID and PATH', async () => {
    const none = ioFor(fake);
    expect(await runCli(['download'], none.io)).toBe(2);
    expect(none.stderr()).toContain('download takes ID [PATH], got none');
    const many = ioFor(fake);
    expect(await runCli(['download', 'a', 'b', 'c'], many.io)).toBe(2);
    expect(many.stderr()).toContain('download takes ID [PATH], got a b c');
    expect(fake.apiCalls).toEqual([]);
  });
});
