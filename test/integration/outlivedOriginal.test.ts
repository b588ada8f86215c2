import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLog } from '../../local/localLog.js';
import type { LocalMode } from '../../local/startLocal.js';
import { makeImage } from './processFixtures.js';
import { callApi, emulatorS3, originalExists, putPart } from './support/localHttp.js';
import { startTestLocal, type TestLocal } from './support/startTestLocal.js';

/**
 * A single-PUT URL (`GET /s3/params`) cannot be revoked: it stays good after its upload is
 * cancelled or removed, which releases the upload's bytes from its owner's usage. An original PUT
 * through it afterwards must not stay in the bucket, outside every limit.
 */
let testLocal: TestLocal;
let local: LocalMode;
let token: string;
let s3: S3Client;
let image: Buffer;

beforeAll(async () => {
  process.env.POWERTOOLS_LOG_LEVEL ??= 'ERROR';
  testLocal = await startTestLocal('outlived-original', { log: silentLog });
  local = testLocal.local;
  token = await local.mintToken('mallory');
  s3 = emulatorS3(local);
  image = await readFile(await makeImage(join(testLocal.dir, 'still.png'), 320, 240));
});

afterAll(async () => {
  s3?.destroy();
  await testLocal?.stop();
});

async function singlePut(): Promise<{ uploadId: string; url: string; headers: Record<string, string> }> {
  const params = await callApi(local, 'GET', `/s3/params?filename=a.png&type=image%2Fpng&metadata%5Bsize%5D=${image.length}`, { token });
  expect(params.status).toBe(200);
  return { uploadId: params.body.fields.key, url: params.body.url, headers: params.body.headers };
}


describe('an original PUT after its upload ended', () => {
  it('is deleted when the upload was cancelled first', async () => {
    const { uploadId, url, headers } = await singlePut();
    expect((await callApi(local, 'DELETE', `/uploads/${uploadId}`, { token })).body.status).toBe('cancelled');

    // S3 takes it: the URL is still within its lifetime.
    expect((await putPart(url, image, headers)).status).toBe(200);
    await local.eventsIdle();

    expect(await originalExists(s3, local, uploadId)).toBe(false);
    expect((await callApi(local, 'GET', `/uploads/${uploadId}`, { token })).body.status).toBe('cancelled');
  });

  it('is deleted when the upload was removed first, with no record left to name it', async () => {
    const { uploadId, url, headers } = await singlePut();
    await callApi(local, 'DELETE', `/uploads/${uploadId}`, { token });
    expect((await callApi(local, 'DELETE', `/uploads/${uploadId}`, { token })).status).toBe(204);

    expect((await putPart(url, image, headers)).status).toBe(200);
    await local.eventsIdle();

    expect(await originalExists(s3, local, uploadId)).toBe(false);
    expect((await callApi(local, 'GET', `/uploads/${uploadId}`, { token })).status).toBe(404);
  });

  it('is kept when the upload is still waiting for it: the PUT that completes it', async () => {
    const { uploadId, url, headers } = await singlePut();
    expect((await putPart(url, image, headers)).status).toBe(200);
    await local.eventsIdle();

    expect(await originalExists(s3, local, uploadId)).toBe(true);
    expect((await callApi(local, 'GET', `/uploads/${uploadId}`, { token })).body.status).toBe('ready');
  });
});
