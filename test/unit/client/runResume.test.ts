import { describe, expect, it } from 'vitest';
import { createClient } from '../../../client/createClient.js';
import { SourceMismatchError, UploadFailedError } from '../../../client/errors.js';
import type { UploadProgress } from '../../../client/uploadOptions.js';
import { API_URL, FakePipeline, patternBytes } from './fakePipeline.js';

const FAST_RETRIES = { baseMs: 1, maxMs: 4 };

function clientFor(fake: FakePipeline) {
  return createClient({ apiUrl: API_URL, token: fake.token, fetch: fake.fetch, retryDelay: FAST_RETRIES });
}

/** An upload of `bytes` in 4-byte parts of which S3 already holds `held`. */
async function interruptedUpload(fake: FakePipeline, bytes: Uint8Array, held: readonly number[]): Promise<string> {
  const created = await clientFor(fake).createUpload({ filename: 'a.mp3', contentType: 'audio/mpeg', size: bytes.length, partSize: 4 });
  for (const partNumber of held) fake.storePart(created.uploadId, partNumber, bytes.subarray((partNumber - 1) * 4, partNumber * 4));
  fake.apiCalls.length = 0;
  return created.uploadId;
}

describe('resume', () => {
  it('sends only the parts S3 does not hold, then completes with every ETag', async () => {
    const fake = new FakePipeline();
    const bytes = patternBytes(18);
    const uploadId = await interruptedUpload(fake, bytes, [1, 3, 4]);

    const record = await clientFor(fake).resume(uploadId, bytes);

    expect(record).toMatchObject({ uploadId, status: 'uploaded' });
    expect(fake.puts.map((put) => put.partNumber).sort()).toEqual([2, 5]);
    expect(fake.callsTo('POST', /\/parts$/).map((call) => call.body)).toEqual([{ partNumbers: [2, 5] }]);
    const completed = fake.callsTo('POST', /complete$/)[0]?.body as { parts: { partNumber: number }[] };
    expect(completed.parts.map((part) => part.partNumber)).toEqual([1, 2, 3, 4, 5]);
    expect(fake.bytesOf(uploadId)).toEqual(Buffer.from(bytes));
  });

  it('asks for the missing URLs in batches no larger than the API takes (GET /config)', async () => {
    const fake = new FakePipeline({ maxPartUrls: 3 });
    const bytes = patternBytes(40);
    const uploadId = await interruptedUpload(fake, bytes, [1, 2]);

    await clientFor(fake).resume(uploadId, bytes, { concurrency: 2 });

    const batches = fake.callsTo('POST', /\/parts$/).map((call) => (call.body as { partNumbers: number[] }).partNumbers);
    expect(batches).toEqual([
      [3, 4, 5],
      [6, 7, 8],
      [9, 10],
    ]);
    expect(fake.bytesOf(uploadId)).toEqual(Buffer.from(bytes));
  });

  it('starts progress at the bytes already held and ends at totalBytes', async () => {
    const fake = new FakePipeline();
    const bytes = patternBytes(10);
    const uploadId = await interruptedUpload(fake, bytes, [1]);
    const reports: UploadProgress[] = [];

    await clientFor(fake).resume(uploadId, bytes, { onProgress: (progress) => reports.push(progress) });

    expect(reports[0]).toEqual({ loadedBytes: 4, totalBytes: 10, partsDone: 1, partCount: 3 });
    expect(reports.at(-1)).toEqual({ loadedBytes: 10, totalBytes: 10, partsDone: 3, partCount: 3 });
  });

  it('sends nothing and just completes when S3 already holds every part', async () => {
    const fake = new FakePipeline();
    const bytes = patternBytes(8);
    const uploadId = await interruptedUpload(fake, bytes, [1, 2]);

    await clientFor(fake).resume(uploadId, bytes);

    expect(fake.puts).toHaveLength(0);
    expect(fake.callsTo('POST', /complete$/)).toHaveLength(1);
  });

  it('sends a held part again when its size is not the size the plan expects', async () => {
    const fake = new FakePipeline();
    const bytes = patternBytes(8);
    const uploadId = await interruptedUpload(fake, bytes, [1]);
    fake.storePart(uploadId, 2, patternBytes(2));

    await clientFor(fake).resume(uploadId, bytes);

    expect(fake.puts.map((put) => put.partNumber)).toEqual([2]);
    expect(fake.bytesOf(uploadId)).toEqual(Buffer.from(bytes));
  });

  it('rejects a source of another size with SourceMismatchError and sends nothing', async () => {
    const fake = new FakePipeline();
    const uploadId = await interruptedUpload(fake, patternBytes(10), [1]);

    const error = await clientFor(fake)
      .resume(uploadId, patternBytes(11))
      .catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(SourceMismatchError);
    expect(error).toMatchObject({ code: 'SIZE_MISMATCH', uploadId, expectedSize: 10, actualSize: 11 });
    expect(fake.puts).toHaveLength(0);
    expect(fake.apiCalls.map((call) => `${call.method} ${call.path}`)).toEqual([`GET /uploads/${uploadId}`, 'GET /config']);
  });

  it('returns the record without sending anything when the upload is already uploaded', async () => {
    const fake = new FakePipeline();
    const bytes = patternBytes(4);
    const uploadId = await interruptedUpload(fake, bytes, [1]);
    fake.upload(uploadId).status = 'uploaded';

    const record = await clientFor(fake).resume(uploadId, bytes);

    expect(record).toMatchObject({ uploadId, status: 'uploaded' });
    expect(record).not.toHaveProperty('uploadedParts');
    expect(fake.puts).toHaveLength(0);
    expect(fake.callsTo('POST', /complete$/)).toHaveLength(0);
  });

  it('refuses a cancelled upload with UploadFailedError INVALID_STATE', async () => {
    const fake = new FakePipeline();
    const bytes = patternBytes(4);
    const uploadId = await interruptedUpload(fake, bytes, []);
    fake.upload(uploadId).status = 'cancelled';

    const error = await clientFor(fake)
      .resume(uploadId, bytes)
      .catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(UploadFailedError);
    expect(error).toMatchObject({ code: 'INVALID_STATE', uploadId });
    expect((error as Error).message).toBe(`Upload ${uploadId} is cancelled and takes no more parts`);
  });

  it('rejects an unknown upload with the API NOT_FOUND error', async () => {
    const fake = new FakePipeline();

    await expect(clientFor(fake).resume('nope', patternBytes(4))).rejects.toMatchObject({
      name: 'ApiError',
      status: 404,
      code: 'NOT_FOUND',
    });
  });
});
