import { Readable } from 'node:stream';
import { GetObjectCommand, NoSuchKey, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SourceServer } from '../../../../../lambdas/process-upload/source/SourceServer.js';
import { logger } from '../../../../../lambdas/shared/logger.js';

const s3Mock = mockClient(S3Client);
const s3 = new S3Client({});
const OBJECT = Buffer.from('0123456789abcdefghij');

let server: SourceServer;

/** GetObject as S3 answers it: the whole object, or the asked range with Content-Range. */
function serveObject(): void {
  s3Mock.on(GetObjectCommand).callsFake((input: { Range?: string }) => {
    const match = /^bytes=(\d+)-(\d+)?$/.exec(input.Range ?? '');
    if (!match) return { Body: Readable.from([OBJECT]), ContentLength: OBJECT.length };
    const start = Number(match[1]);
    const end = Math.min(match[2] === undefined ? OBJECT.length - 1 : Number(match[2]), OBJECT.length - 1);
    return {
      Body: Readable.from([OBJECT.subarray(start, end + 1)]),
      ContentLength: end - start + 1,
      ContentRange: `bytes ${start}-${end}/${OBJECT.length}`,
    };
  });
}

beforeEach(async () => {
  s3Mock.reset();
  vi.spyOn(logger, 'warn').mockImplementation(() => undefined);
  server = await SourceServer.start({ s3, bucket: 'uploads-bucket', key: 'uploads/u1/source' });
});

afterEach(async () => {
  await server.close();
  vi.restoreAllMocks();
});

describe('SourceServer', () => {
  it('listens on loopback only, at an unguessable path', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/[0-9a-f]{32}$/);
  });

  it('serves the one object whole, as opaque bytes, with ranges advertised', async () => {
    serveObject();
    const response = await fetch(server.url);
    expect(response.status).toBe(200);
    expect(response.headers.get('accept-ranges')).toBe('bytes');
    expect(response.headers.get('content-type')).toBe('application/octet-stream');
    expect(Buffer.from(await response.arrayBuffer())).toEqual(OBJECT);
    expect(s3Mock).toHaveReceivedCommandWith(GetObjectCommand, { Bucket: 'uploads-bucket', Key: 'uploads/u1/source' });
    expect(server.served).toEqual({ bytes: OBJECT.length, requests: 1 });
  });

  it('maps a range request onto a ranged GetObject and answers 206 with its Content-Range', async () => {
    serveObject();
    const response = await fetch(server.url, { headers: { range: 'bytes=5-' } });
    expect(response.status).toBe(206);
    expect(response.headers.get('content-range')).toBe('bytes 5-19/20');
    expect(await response.text()).toBe('56789abcdefghij');
    const bounded = await fetch(server.url, { headers: { range: 'bytes=2-4' } });
    expect(await bounded.text()).toBe('234');
    expect(s3Mock.commandCalls(GetObjectCommand).map((call) => call.args[0].input.Range)).toEqual(['bytes=5-', 'bytes=2-4']);
  });

  it('answers any other path with 404 and no S3 call, so nothing an upload names can be read through it', async () => {
    serveObject();
    const base = new URL(server.url);
    for (const path of ['/', '/uploads/u2/source', `${base.pathname}/../other`, `${base.pathname}x`]) {
      expect((await fetch(`${base.origin}${path}`)).status).toBe(404);
    }
    expect(s3Mock.commandCalls(GetObjectCommand)).toHaveLength(0);
  });

  it('refuses methods other than GET and ranges it does not serve, without an S3 call', async () => {
    serveObject();
    expect((await fetch(server.url, { method: 'POST', body: 'x' })).status).toBe(405);
    expect((await fetch(server.url, { headers: { range: 'bytes=0-1,5-6' } })).status).toBe(416);
    expect((await fetch(server.url, { headers: { range: 'bytes=-5' } })).status).toBe(416);
    expect(s3Mock.commandCalls(GetObjectCommand)).toHaveLength(0);
  });

  it('keeps S3’s refusals (404, 416) and turns its faults into a 503, which ffmpeg reports as a source fault to retry', async () => {
    s3Mock
      .on(GetObjectCommand)
      .rejectsOnce(new NoSuchKey({ message: 'gone', $metadata: { httpStatusCode: 404 } }))
      .rejectsOnce(new S3ServiceException({ name: 'InvalidRange', $fault: 'client', $metadata: { httpStatusCode: 416 } }))
      .rejectsOnce(new S3ServiceException({ name: 'SlowDown', $fault: 'server', $metadata: { httpStatusCode: 503 } }));
    expect((await fetch(server.url)).status).toBe(404);
    expect((await fetch(server.url, { headers: { range: 'bytes=99-' } })).status).toBe(416);
    expect((await fetch(server.url)).status).toBe(503);
    expect(logger.warn).toHaveBeenCalledTimes(1);
  });

  it('cuts the connection when the S3 stream breaks mid-body, so the reader resumes with a range request', async () => {
    s3Mock.on(GetObjectCommand).resolves({
      Body: Readable.from(
        (async function* () {
          yield OBJECT.subarray(0, 5);
          throw new Error('socket hang up');
        })(),
      ) as never,
      ContentLength: OBJECT.length,
    });
    const response = await fetch(server.url);
    await expect(response.arrayBuffer()).rejects.toThrow();
  });

  it('stops listening when closed', async () => {
    await server.close();
    await expect(fetch(server.url)).rejects.toThrow();
    server = await SourceServer.start({ s3, bucket: 'uploads-bucket', key: 'uploads/u1/source' });
  });
});
