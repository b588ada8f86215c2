import { describe, expect, it } from 'vitest';
import { createClient } from '../../../client/createClient.js';
import { AbortError, ApiError, UploadFailedError } from '../../../client/errors.js';
import { crc32c, crc32cBase64 } from '../../../client/crc32c.js';
import type { UploadProgress } from '../../../client/uploadOptions.js';
import { READ_AHEAD } from '../../../client/uploadParts.js';
import { API_URL, FakePipeline, json, patternBytes, xmlError } from './fakePipeline.js';

const FAST_RETRIES = { baseMs: 1, maxMs: 4 };

function clientFor(fake: FakePipeline) {
  return createClient({ apiUrl: API_URL, token: fake.token, fetch: fake.fetch, retryDelay: FAST_RETRIES });
}

describe('upload', () => {
  it('creates the upload, PUTs every part to its URL, completes with the ETags in order and returns the record', async () => {
    const fake = new FakePipeline({ partSize: 4 });
    const bytes = patternBytes(10);

    const record = await clientFor(fake).upload(bytes, { filename: 'song.mp3', metadata: { title: 'Song' } });

    expect(record).toMatchObject({ uploadId: 'up1', status: 'uploaded', size: 10, filename: 'song.mp3', contentType: 'audio/mpeg' });
    expect(fake.bytesOf('up1')).toEqual(Buffer.from(bytes));
    expect(fake.callsTo('POST', /^\/uploads$/)[0]?.body).toEqual({
      filename: 'song.mp3',
      contentType: 'audio/mpeg',
      size: 10,
      metadata: { title: 'Song' },
      checksumAlgorithm: 'CRC32C',
    });
    const upload = fake.upload('up1');
    expect(fake.callsTo('POST', /complete$/)[0]?.body).toEqual({
      parts: [1, 2, 3].map((partNumber) => ({ partNumber, etag: fake.etagOf(upload.parts.get(partNumber) as Uint8Array) })),
    });
  });

  it('takes the filename and type from a File and sends only byte ranges of it', async () => {
    const fake = new FakePipeline({ partSize: 5 });
    const file = new File([patternBytes(12)], 'clip.mov', { type: 'video/quicktime' });

    await clientFor(fake).upload(file);

    expect(fake.callsTo('POST', /^\/uploads$/)[0]?.body).toMatchObject({ filename: 'clip.mov', contentType: 'video/quicktime', size: 12 });
    expect(fake.bytesOf('up1')).toEqual(Buffer.from(patternBytes(12)));
  });

  it('never has more PUTs in flight than `concurrency`, and uses all of it', async () => {
    const fake = new FakePipeline({ partSize: 2, putDelayMs: 5 });

    await clientFor(fake).upload(patternBytes(24), { filename: 'a.mp3', concurrency: 3 });

    expect(fake.puts).toHaveLength(12);
    expect(fake.maxPutsInFlight).toBe(3);
  });

  it('defaults to 4 PUTs in flight', async () => {
    const fake = new FakePipeline({ partSize: 1, putDelayMs: 5 });

    await clientFor(fake).upload(patternBytes(10), { filename: 'a.mp3' });

    expect(fake.maxPutsInFlight).toBe(4);
  });

  it('retries a part after network errors and a 5xx, then succeeds', async () => {
    const fake = new FakePipeline({ partSize: 4 });
    let failures = 0;
    fake.onPut = (put) => {
      if (put.partNumber !== 2 || failures >= 3) return undefined;
      failures += 1;
      if (failures === 2) return xmlError(503, 'SlowDown', 'Please reduce your request rate');
      throw new TypeError('fetch failed');
    };

    const record = await clientFor(fake).upload(patternBytes(12), { filename: 'a.mp3' });

    expect(record.status).toBe('uploaded');
    expect(fake.puts.filter((put) => put.partNumber === 2)).toHaveLength(4);
    expect(fake.bytesOf('up1')).toEqual(Buffer.from(patternBytes(12)));
  });

  it('gives up on a part after `retries` retries with UploadFailedError PART_FAILED and does not complete', async () => {
    const fake = new FakePipeline({ partSize: 4 });
    fake.onPut = (put) => (put.partNumber === 1 ? xmlError(500, 'InternalError', 'We encountered an internal error') : undefined);

    const error = await clientFor(fake)
      .upload(patternBytes(8), { filename: 'a.mp3', retries: 2 })
      .catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(UploadFailedError);
    expect(error).toMatchObject({ code: 'PART_FAILED', uploadId: 'up1', partNumber: 1, status: 500 });
    expect((error as Error).message).toContain('InternalError');
    expect(fake.puts.filter((put) => put.partNumber === 1)).toHaveLength(3);
    expect(fake.callsTo('POST', /complete$/)).toHaveLength(0);
  });

  it('fails at once with PART_REJECTED on a 4xx other than 403 and 429', async () => {
    const fake = new FakePipeline({ partSize: 4 });
    fake.onPut = () => xmlError(400, 'BadDigest', 'The Content-MD5 you specified did not match');

    const error = await clientFor(fake)
      .upload(patternBytes(4), { filename: 'a.mp3' })
      .catch((caught: unknown) => caught);

    expect(error).toMatchObject({ name: 'UploadFailedError', code: 'PART_REJECTED', status: 400 });
    expect(fake.puts).toHaveLength(1);
  });

  it('re-signs after S3 answers 403 (expired URL) and retries the part with the fresh URL', async () => {
    const fake = new FakePipeline({ partSize: 4 });
    fake.onPut = (put) =>
      put.url.includes('sig1') && put.partNumber === 2 ? xmlError(403, 'AccessDenied', 'Request has expired') : undefined;

    const record = await clientFor(fake).upload(patternBytes(12), { filename: 'a.mp3', concurrency: 1 });

    expect(record.status).toBe('uploaded');
    const resigned = fake.callsTo('POST', /\/parts$/);
    expect(resigned).toHaveLength(1);
    // Part 3's URL came from the same batch as the refused one, so it is re-signed with it.
    expect(resigned[0]?.body).toEqual({ partNumbers: [2, 3] });
    expect(fake.puts.filter((put) => put.partNumber === 2).map((put) => put.url.includes('sig2'))).toEqual([false, true]);
  });

  it('fetches URLs beyond the first response in batches, only when those parts are about to be sent', async () => {
    const fake = new FakePipeline({ partSize: 1, maxPartUrls: 1000 });
    let putsBeforeFirstSign: number | undefined;
    fake.onApi = (call) => {
      if (call.path.endsWith('/parts')) putsBeforeFirstSign ??= fake.puts.length;
      return undefined;
    };

    await clientFor(fake).upload(patternBytes(2500), { filename: 'a.mp3', concurrency: 4 });

    const batches = fake.callsTo('POST', /\/parts$/).map((call) => (call.body as { partNumbers: number[] }).partNumbers);
    expect(batches.map((batch) => [batch[0], batch.length])).toEqual([
      [1001, 1000],
      [2001, 500],
    ]);
    // Not before the first 1,000 parts were under way (at most `concurrency` still in flight).
    expect(putsBeforeFirstSign).toBeGreaterThanOrEqual(1000 - 4);
    expect(fake.puts.filter((put) => put.partNumber > 1000)).toHaveLength(1500);
    expect(fake.bytesOf('up1')).toEqual(Buffer.from(patternBytes(2500)));
  });

  it('reports progress monotonically per part, from 0 to totalBytes', async () => {
    const fake = new FakePipeline({ partSize: 4, putDelayMs: 1 });
    const reports: UploadProgress[] = [];

    await clientFor(fake).upload(patternBytes(10), { filename: 'a.mp3', onProgress: (progress) => reports.push(progress) });

    expect(reports[0]).toEqual({ loadedBytes: 0, totalBytes: 10, partsDone: 0, partCount: 3 });
    expect(reports.at(-1)).toEqual({ loadedBytes: 10, totalBytes: 10, partsDone: 3, partCount: 3 });
    expect(reports).toHaveLength(4);
    for (let i = 1; i < reports.length; i++) {
      expect(reports[i]!.loadedBytes).toBeGreaterThan(reports[i - 1]!.loadedBytes);
    }
  });

  it('stops in-flight PUTs and rejects with AbortError when the signal aborts; nothing is completed', async () => {
    const fake = new FakePipeline({ partSize: 1, putDelayMs: 20 });
    const controller = new AbortController();
    // Abort as the first PUT finishes, while another is still in flight.
    fake.onPut = () => {
      fake.onPut = undefined;
      controller.abort();
      return undefined;
    };

    const error = await clientFor(fake)
      .upload(patternBytes(40), { filename: 'a.mp3', concurrency: 2, signal: controller.signal })
      .catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(AbortError);
    expect(fake.puts).toHaveLength(2);
    expect(fake.upload('up1').parts.size).toBe(1);
    expect(fake.callsTo('POST', /complete$/)).toHaveLength(0);
    expect(fake.upload('up1').status).toBe('initiated');
  });

  it('completes without a parts list when S3 exposes no ETag (CORS), leaving the API to list them', async () => {
    const fake = new FakePipeline({ partSize: 4 });
    fake.onPut = async (put) => {
      fake.storePart(put.uploadId, put.partNumber, patternBytes(12).subarray((put.partNumber - 1) * 4, put.partNumber * 4));
      return new Response(null, { status: 200 });
    };

    await clientFor(fake).upload(patternBytes(12), { filename: 'a.mp3' });

    expect(fake.callsTo('POST', /complete$/)[0]?.body).toEqual({});
  });

  it('retries complete after a 503 whose work went through (complete is idempotent)', async () => {
    const fake = new FakePipeline({ partSize: 4 });
    let completes = 0;
    fake.onApi = (call) => {
      if (!call.path.endsWith('/complete') || ++completes > 1) return undefined;
      fake.upload('up1').status = 'uploaded';
      return json(503, { message: 'Service Unavailable' });
    };

    const record = await clientFor(fake).upload(patternBytes(8), { filename: 'a.mp3' });

    expect(record).toMatchObject({ uploadId: 'up1', status: 'uploaded' });
    expect(fake.callsTo('POST', /complete$/)).toHaveLength(2);
  });

  it('rejects with ApiError carrying the API code when the upload is refused, and sends no part', async () => {
    const fake = new FakePipeline();
    fake.onApi = () => json(415, { error: { code: 'UNSUPPORTED_TYPE', message: 'Content type text/plain is not accepted' } });

    const error = await clientFor(fake)
      .upload(patternBytes(4), { filename: 'notes.txt', contentType: 'text/plain' })
      .catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 415, code: 'UNSUPPORTED_TYPE', message: 'Content type text/plain is not accepted' });
    expect(fake.puts).toHaveLength(0);
  });

  it('retries creating the upload after a 429 (nothing was created) but never after a 5xx', async () => {
    const throttled = new FakePipeline({ partSize: 4 });
    let creates = 0;
    throttled.onApi = (call) => (call.path === '/uploads' && ++creates === 1 ? json(429, { message: 'Too Many Requests' }) : undefined);

    await expect(clientFor(throttled).upload(patternBytes(4), { filename: 'a.mp3' })).resolves.toMatchObject({ status: 'uploaded' });
    expect(throttled.callsTo('POST', /^\/uploads$/)).toHaveLength(2);

    const failing = new FakePipeline({ partSize: 4 });
    failing.onApi = (call) => (call.path === '/uploads' ? json(500, { error: { code: 'INTERNAL_ERROR', message: 'Something went wrong' } }) : undefined);

    await expect(clientFor(failing).upload(patternBytes(4), { filename: 'a.mp3' })).rejects.toMatchObject({ status: 500, code: 'INTERNAL_ERROR' });
    expect(failing.callsTo('POST', /^\/uploads$/)).toHaveLength(1);
  });

  it("never retries the API's hourly limit (429 RATE_LIMITED): it rejects at once with the seconds until the hour ends", async () => {
    const limited = new FakePipeline({ partSize: 4 });
    limited.onApi = (call) =>
      call.path === '/uploads'
        ? new Response(JSON.stringify({ error: { code: 'RATE_LIMITED', message: 'You created 100 uploads this hour' } }), {
            status: 429,
            headers: { 'retry-after': '1200' },
          })
        : undefined;

    await expect(clientFor(limited).upload(patternBytes(4), { filename: 'a.mp3' })).rejects.toMatchObject({
      status: 429,
      code: 'RATE_LIMITED',
      retryAfterSeconds: 1200,
    });
    expect(limited.callsTo('POST', /^\/uploads$/)).toHaveLength(1);
  });

  it('rejects before any request when no content type can be told', async () => {
    const fake = new FakePipeline();

    await expect(clientFor(fake).upload(patternBytes(4), { filename: 'data.bin' })).rejects.toThrow(/content type of "data.bin"/);
    expect(fake.apiCalls).toHaveLength(0);
  });

  it('rejects a concurrency below 1 before any request', async () => {
    const fake = new FakePipeline();

    await expect(clientFor(fake).upload(patternBytes(4), { filename: 'a.mp3', concurrency: 0 })).rejects.toThrow(RangeError);
    expect(fake.apiCalls).toHaveLength(0);
  });

  it('tells the upload id through onCreated before the first part is sent', async () => {
    const fake = new FakePipeline({ partSize: 4 });
    const seen: { id: string; putsSoFar: number }[] = [];

    await clientFor(fake).upload(patternBytes(8), {
      filename: 'a.mp3',
      onCreated: (created) => seen.push({ id: created.uploadId, putsSoFar: fake.puts.length }),
    });

    expect(seen).toEqual([{ id: 'up1', putsSoFar: 0 }]);
  });

  describe('with checksums', () => {
    it('hashes every part, sends its CRC-32C under a URL that signs it, and completes with the whole file\'s', async () => {
      const fake = new FakePipeline({ partSize: 4, checksums: true });
      const bytes = patternBytes(18);

      const record = await clientFor(fake).upload(bytes, { filename: 'song.mp3' });

      expect(record.status).toBe('uploaded');
      expect(fake.callsTo('POST', /^\/uploads$/)[0]?.body).toMatchObject({ checksumAlgorithm: 'CRC32C' });
      expect(fake.callsTo('POST', /complete$/)[0]?.body).toMatchObject({ checksumCRC32C: crc32cBase64(crc32c(bytes)) });
      expect(fake.bytesOf('up1')).toEqual(Buffer.from(bytes));
    });

    it('reads, hashes and signs parts ahead of their PUTs, signing in pairs, with at most concurrency + READ_AHEAD parts in memory', async () => {
      const fake = new FakePipeline({ partSize: 4, checksums: true, putDelayMs: 5 });
      const bytes = patternBytes(4 * 24);
      let read = 0;
      let mostHeld = 0;
      const source = {
        size: bytes.length,
        slice: (start: number, end: number) => {
          read += 1;
          // Parts read but not yet stored: the part being read now, and those before it.
          mostHeld = Math.max(mostHeld, read - fake.upload('up1').parts.size);
          return bytes.slice(start, end);
        },
      };

      await clientFor(fake).upload(source, { filename: 'song.mp3', concurrency: 3 });

      expect(fake.bytesOf('up1')).toEqual(Buffer.from(bytes));
      expect(mostHeld).toBeGreaterThan(3);
      expect(mostHeld).toBeLessThanOrEqual(3 + READ_AHEAD);
      const batches = fake.callsTo('POST', /\/parts$/).map((call) => (call.body as { parts: unknown[] }).parts.length);
      expect(batches.reduce((sum, size) => sum + size, 0)).toBe(24);
      // Only the first parts (PUTs waiting for them) and the last go alone.
      expect(batches.length).toBeLessThanOrEqual(24 / 2 + 4);
    });

    it('asks for no more URLs in one request than GET /config allows', async () => {
      const fake = new FakePipeline({ partSize: 4, checksums: true, putDelayMs: 2, maxPartUrls: 1 });

      await clientFor(fake).upload(patternBytes(40), { filename: 'song.mp3' });

      const batches = fake.callsTo('POST', /\/parts$/).map((call) => (call.body as { parts: unknown[] }).parts.length);
      expect(batches).toEqual(Array.from({ length: 10 }, () => 1));
    });

    it('fails with CHECKSUM_MISMATCH when storage keeps refusing the bytes as changed, and completes nothing', async () => {
      const fake = new FakePipeline({ partSize: 4, checksums: true });
      fake.onPut = (put) => (put.partNumber === 2 ? xmlError(400, 'BadDigest', 'The CRC32C you specified did not match the calculated checksum.') : undefined);

      const error = await clientFor(fake)
        .upload(patternBytes(12), { filename: 'song.mp3', retries: 2 })
        .catch((caught: unknown) => caught);

      expect(error).toMatchObject({ name: 'UploadFailedError', code: 'CHECKSUM_MISMATCH', partNumber: 2 });
      expect(fake.puts.filter((put) => put.partNumber === 2)).toHaveLength(3);
      expect(fake.callsTo('POST', /complete$/)).toHaveLength(0);
    });
  });
});
