import { ListObjectsV2Command, type ListObjectsV2CommandOutput, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLog } from '../../local/localLog.js';
import type { LocalMode } from '../../local/startLocal.js';
import { emulatorS3 } from './support/localHttp.js';
import { startTestLocal, type TestLocal } from './support/startTestLocal.js';

/** A bound on every paging loop here: more pages than this means the listing never ends. */
const MAX_PAGES = 50;

let local: LocalMode;
let testLocal: TestLocal;
let s3: S3Client;

async function putObjects(keys: readonly string[]): Promise<void> {
  // A few at a time: each PUT is a signed request the emulator verifies.
  for (let start = 0; start < keys.length; start += 16) {
    await Promise.all(
      keys.slice(start, start + 16).map((key) => s3.send(new PutObjectCommand({ Bucket: local.mediaBucket, Key: key, Body: `bytes of ${key}` }))),
    );
  }
}

/** Every page of a listing, following NextContinuationToken to the end. */
async function allPages(input: { Prefix: string; MaxKeys?: number; Delimiter?: string; StartAfter?: string }): Promise<ListObjectsV2CommandOutput[]> {
  const pages: ListObjectsV2CommandOutput[] = [];
  let token: string | undefined;
  do {
    const page = await s3.send(new ListObjectsV2Command({ Bucket: local.mediaBucket, ...input, ContinuationToken: token }));
    pages.push(page);
    token = page.NextContinuationToken;
    expect(pages.length).toBeLessThanOrEqual(MAX_PAGES);
  } while (token !== undefined);
  return pages;
}

const keysOf = (pages: readonly ListObjectsV2CommandOutput[]) => pages.flatMap((page) => (page.Contents ?? []).map((object) => object.Key));

beforeAll(async () => {
  testLocal = await startTestLocal('s3-listing', {
    processUploads: false,
    log: silentLog,
  });
  local = testLocal.local;
  s3 = emulatorS3(local);
});

afterAll(async () => {
  s3?.destroy();
  await testLocal?.stop();
});

describe("local S3's ListObjectsV2", () => {
  it('pages a folder of several keys one key at a time, each key once and in order, to the end', async () => {
    const keys = ['media/paged/a.jpg', 'media/paged/b/master.m3u8', 'media/paged/c.json'];
    await putObjects([...keys, 'media/paged-not/x.jpg', 'media/pag']);

    const pages = await allPages({ Prefix: 'media/paged/', MaxKeys: 1 });

    expect(keysOf(pages)).toEqual(keys);
    expect(pages.map((page) => [page.KeyCount, page.IsTruncated])).toEqual([
      [1, true],
      [1, true],
      [1, false],
    ]);
    expect(pages[1]?.ContinuationToken).toBe(pages[0]?.NextContinuationToken);
    expect(pages[0]?.ContinuationToken).toBeUndefined();
    expect(pages[2]?.NextContinuationToken).toBeUndefined();
    expect(pages[0]?.Contents?.[0]).toMatchObject({ Size: 'bytes of media/paged/a.jpg'.length, StorageClass: 'STANDARD' });
    expect(pages[0]?.Contents?.[0]?.ETag).toMatch(/^"[0-9a-f]{32}"$/);
  });

  it("lists in S3's key order, where a file sorts before a folder of the same name ('.' < '/'), and loses no key across pages", async () => {
    const keys = ['media/order/a.txt', 'media/order/a/b', 'media/order/a0', 'media/order/é'];
    await putObjects([...keys].reverse());

    expect(keysOf(await allPages({ Prefix: 'media/order/', MaxKeys: 1 }))).toEqual(keys);
    expect(keysOf(await allPages({ Prefix: 'media/order/', MaxKeys: 2, StartAfter: 'media/order/a.txt' }))).toEqual(keys.slice(1));
  });

  it('counts common prefixes towards MaxKeys and answers each once, however many keys roll up into it', async () => {
    await putObjects(['media/rolled/hls/1.ts', 'media/rolled/hls/2.ts', 'media/rolled/hls/3.ts', 'media/rolled/poster.jpg', 'media/rolled/thumbs/1.jpg']);

    const pages = await allPages({ Prefix: 'media/rolled/', Delimiter: '/', MaxKeys: 1 });

    expect(pages.map((page) => [page.KeyCount, (page.CommonPrefixes ?? []).map((entry) => entry.Prefix), keysOf([page])])).toEqual([
      [1, ['media/rolled/hls/'], []],
      [1, [], ['media/rolled/poster.jpg']],
      [1, ['media/rolled/thumbs/'], []],
    ]);
  });

  it('refuses a continuation token it did not make, or made for another bucket', async () => {
    const page = await s3.send(new ListObjectsV2Command({ Bucket: local.mediaBucket, Prefix: 'media/paged/', MaxKeys: 1 }));
    for (const [bucket, token] of [
      [local.mediaBucket, 'not-a-token'],
      [local.uploadsBucket, page.NextContinuationToken],
    ] as const) {
      const error = await s3.send(new ListObjectsV2Command({ Bucket: bucket, ContinuationToken: token })).catch((caught: unknown) => caught);
      expect(error).toMatchObject({ name: 'InvalidArgument', $metadata: { httpStatusCode: 400 } });
    }
  });

  it('lets deleteMediaOutputs page through and delete a folder of more than 1,000 outputs (two DeleteObjects batches)', async () => {
    const uploadId = 'u-many-outputs';
    const keys = Array.from({ length: 1003 }, (_, index) => `media/${uploadId}/hls/720p/segment-${String(index).padStart(4, '0')}.ts`);
    await putObjects([...keys, `media/${uploadId}-other/poster.jpg`]);
    // Imported once local mode set the functions' environment, as a handler would be.
    const { deleteMediaOutputs } = await import('../../lambdas/shared/deleteMediaOutputs.js');

    expect(await deleteMediaOutputs(uploadId)).toBe(1003);

    expect(keysOf(await allPages({ Prefix: `media/${uploadId}` }))).toEqual([`media/${uploadId}-other/poster.jpg`]);
  });
});
