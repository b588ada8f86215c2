import { randomBytes } from 'node:crypto';
import { ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLog } from '../../local/localLog.js';
import type { LocalMode } from '../../local/startLocal.js';
import { startTestLocal, type TestLocal } from './support/startTestLocal.js';
import { callApi, emulatorS3, originalExists, putPart } from './support/localHttp.js';

/**
 * Local mode told to delete ready uploads' originals (`retention.readyOriginals: 'delete'`), the
 * retention job run on request at injected times. A process of its own: handlers keep the
 * settings of the first start in a process.
 */
let local: LocalMode;
let testLocal: TestLocal;
let token: string;
let s3: S3Client;
let transition: typeof import('../../lambdas/shared/transition.js').transition;

beforeAll(async () => {
  process.env.POWERTOOLS_LOG_LEVEL ??= 'ERROR';
  testLocal = await startTestLocal('local-mode-retention-delete', {
    retention: { readyOriginals: 'delete' },
    processUploads: false,
    log: silentLog,
  });
  local = testLocal.local;
  token = await local.mintToken('alice');
  s3 = emulatorS3(local);
  ({ transition } = await import('../../lambdas/shared/transition.js'));
});

afterAll(async () => {
  s3?.destroy();
  await testLocal?.stop();
});

async function uploaded(): Promise<string> {
  const answer = await callApi(local, 'POST', '/uploads', { token, body: { filename: 'still.png', contentType: 'image/png', size: 2048 } });
  expect((await putPart(answer.body.parts[0].url, randomBytes(2048))).status).toBe(200);
  expect((await callApi(local, 'POST', `/uploads/${answer.body.uploadId}/complete`, { token, body: {} })).status).toBe(200);
  return answer.body.uploadId as string;
}


describe('local mode: retention that deletes ready originals', () => {
  it("deletes a processed upload's original at the first run after it became ready, and nothing else", async () => {
    const readyId = await uploaded();
    const waitingId = await uploaded();
    const before = Date.now() - 2000;
    await transition(readyId, 'uploaded', 'processing', { progress: 0, stage: 'probe' });
    await s3.send(new PutObjectCommand({ Bucket: local.mediaBucket, Key: `media/${readyId}/poster.jpg`, Body: 'poster' }));
    await transition(readyId, 'processing', 'ready', { progress: null, stage: null });

    await local.runRetention(new Date(before));
    expect(await originalExists(s3, local, readyId)).toBe(true);

    await local.runRetention(new Date(Date.now() + 2000));
    expect([await originalExists(s3, local, readyId), await originalExists(s3, local, waitingId)]).toEqual([false, true]);
    const { Contents } = await s3.send(new ListObjectsV2Command({ Bucket: local.mediaBucket, Prefix: `media/${readyId}/` }));
    expect(Contents?.map((object) => object.Key)).toEqual([`media/${readyId}/poster.jpg`]);
    expect((await callApi(local, 'GET', `/uploads/${readyId}`, { token })).body).toMatchObject({ status: 'ready' });
    const download = await callApi(local, 'GET', `/uploads/${readyId}/download`, { token });
    expect(download.status).toBe(409);
    expect(download.body.error.message).toMatch(/its original was deleted at .* by the retention rules$/);
  });
});
