import { randomBytes } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLog } from '../../local/localLog.js';
import type { LocalMode } from '../../local/startLocal.js';
import { startTestLocal, type TestLocal } from './support/startTestLocal.js';
import { callApi, emulatorS3, originalExists, putPart } from './support/localHttp.js';

/**
 * Local mode with the stack's default retention (ready uploads kept; failed uploads' bytes
 * deleted after 7 days; records of cancelled, expired and failed uploads removed after 30) and
 * the retention job run on request, at injected times: the job and, after it, the TTL the
 * emulator lacks act as of the time the tick carries. Nothing is processed: the tests move
 * uploads to their final states through `transition`, as processing would.
 */
const DAY = 86_400_000;
const HOUR = 3_600_000;

let local: LocalMode;
let testLocal: TestLocal;
let token: string;
let s3: S3Client;
let dynamo: DynamoDBDocumentClient;
let transition: typeof import('../../lambdas/shared/transition.js').transition;

beforeAll(async () => {
  process.env.POWERTOOLS_LOG_LEVEL ??= 'ERROR';
  testLocal = await startTestLocal('local-mode-retention', {
    processUploads: false,
    log: silentLog,
  });
  local = testLocal.local;
  token = await local.mintToken('alice');
  s3 = emulatorS3(local);
  dynamo = DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: local.dynamoDbEndpoint, region: local.region, credentials: local.credentials }));
  // Imported once local mode set the functions' environment, as a handler would be.
  ({ transition } = await import('../../lambdas/shared/transition.js'));
});

afterAll(async () => {
  s3?.destroy();
  dynamo?.destroy();
  await testLocal?.stop();
});

async function created(size = 4096): Promise<string> {
  const answer = await callApi(local, 'POST', '/uploads', { token, body: { filename: 'clip.png', contentType: 'image/png', size } });
  expect(answer.status).toBe(201);
  return answer.body.uploadId as string;
}

/** Created, its one part sent and completed: `uploaded`, its original in S3. */
async function uploaded(size = 4096): Promise<string> {
  const answer = await callApi(local, 'POST', '/uploads', { token, body: { filename: 'clip.png', contentType: 'image/png', size } });
  expect((await putPart(answer.body.parts[0].url, randomBytes(size))).status).toBe(200);
  expect((await callApi(local, 'POST', `/uploads/${answer.body.uploadId}/complete`, { token, body: {} })).body).toMatchObject({ status: 'uploaded' });
  return answer.body.uploadId as string;
}

async function publishOutput(uploadId: string): Promise<void> {
  await s3.send(new PutObjectCommand({ Bucket: local.mediaBucket, Key: `media/${uploadId}/poster.jpg`, Body: 'poster' }));
}


async function outputs(uploadId: string): Promise<string[]> {
  const { Contents } = await s3.send(new ListObjectsV2Command({ Bucket: local.mediaBucket, Prefix: `media/${uploadId}/` }));
  return (Contents ?? []).map((object) => object.Key ?? '');
}

async function status(uploadId: string): Promise<string | number> {
  const answer = await callApi(local, 'GET', `/uploads/${uploadId}`, { token });
  return answer.status === 200 ? (answer.body.status as string) : answer.status;
}

async function bytesHeld(): Promise<number> {
  const { Item } = await dynamo.send(new GetCommand({ TableName: local.usageTable, Key: { ownerId: 'alice' }, ConsistentRead: true }));
  return Item?.bytesHeld as number;
}

describe('local mode: retention, at injected times', () => {
  const ids = { ready: '', failed: '', cancelled: '', expired: '', initiated: '', uploaded: '' };
  let start: number;

  beforeAll(async () => {
    ids.ready = await uploaded();
    await transition(ids.ready, 'uploaded', 'processing', { progress: 0, stage: 'probe' });
    await publishOutput(ids.ready);
    await transition(ids.ready, 'processing', 'ready', { progress: null, stage: null });

    ids.failed = await uploaded(6000);
    await transition(ids.failed, 'uploaded', 'failed', { error: { code: 'UNSUPPORTED_MEDIA', message: 'not an image' } });
    // What a run that died mid-publish may leave behind.
    await publishOutput(ids.failed);

    ids.cancelled = await uploaded();
    expect((await callApi(local, 'DELETE', `/uploads/${ids.cancelled}`, { token })).body).toMatchObject({ status: 'cancelled' });

    ids.expired = await created();
    await transition(ids.expired, 'initiated', 'expired');
    ids.initiated = await created();
    ids.uploaded = await uploaded();
    start = Date.now();
  });

  async function statuses(): Promise<Record<keyof typeof ids, string | number>> {
    const entries = await Promise.all(Object.entries(ids).map(async ([name, id]) => [name, await status(id)] as const));
    return Object.fromEntries(entries) as Record<keyof typeof ids, string | number>;
  }

  const everyRecord = { ready: 'ready', failed: 'failed', cancelled: 'cancelled', expired: 'expired', initiated: 'initiated', uploaded: 'uploaded' };

  it("keeps everything until a failed upload's 7 days are over", async () => {
    await local.runRetention(new Date(start + 7 * DAY - HOUR));

    expect(await statuses()).toEqual(everyRecord);
    expect([await originalExists(s3, local, ids.ready), await originalExists(s3, local, ids.failed), await originalExists(s3, local, ids.uploaded)]).toEqual([true, true, true]);
    expect(await outputs(ids.failed)).toEqual([`media/${ids.failed}/poster.jpg`]);
  });

  it("then deletes the failed upload's original and outputs and releases its bytes, keeping its record and everything else", async () => {
    const held = await bytesHeld();

    await local.runRetention(new Date(start + 7 * DAY + HOUR));

    expect([await originalExists(s3, local, ids.failed), await outputs(ids.failed)]).toEqual([false, []]);
    expect(await bytesHeld()).toBe(held - 6000);
    expect(await statuses()).toEqual(everyRecord);
    expect([await originalExists(s3, local, ids.ready), await outputs(ids.ready)]).toEqual([true, [`media/${ids.ready}/poster.jpg`]]);
    expect(await originalExists(s3, local, ids.uploaded)).toBe(true);
    const download = await callApi(local, 'GET', `/uploads/${ids.failed}/download`, { token });
    expect(download.status).toBe(409);
  });

  it('releases nothing twice: the run after it, and a DELETE of the failed upload, leave the counters alone', async () => {
    const held = await bytesHeld();

    await local.runRetention(new Date(start + 8 * DAY));
    expect(await bytesHeld()).toBe(held);

    const other = await uploaded(3000);
    await transition(other, 'uploaded', 'failed', { error: { code: 'UNSUPPORTED_MEDIA', message: 'not an image' } });
    await local.runRetention(new Date(start + 16 * DAY));
    expect(await bytesHeld()).toBe(held);
    expect((await callApi(local, 'DELETE', `/uploads/${other}`, { token })).status).toBe(204);
    expect(await bytesHeld()).toBe(held);
  });

  it('keeps the records of cancelled, expired and failed uploads until their 30 days are over', async () => {
    await local.runRetention(new Date(start + 30 * DAY - HOUR));

    expect(await statuses()).toEqual(everyRecord);
  });

  it('then removes those records, and only those: ready and unfinished uploads stay, with their bytes', async () => {
    await local.runRetention(new Date(start + 30 * DAY + HOUR));

    expect(await statuses()).toEqual({ ready: 'ready', failed: 404, cancelled: 404, expired: 404, initiated: 'initiated', uploaded: 'uploaded' });
    expect([await originalExists(s3, local, ids.ready), await outputs(ids.ready), await originalExists(s3, local, ids.uploaded)]).toEqual([true, [`media/${ids.ready}/poster.jpg`], true]);

    await local.runRetention(new Date(start + 3650 * DAY));
    expect((await statuses()).ready).toBe('ready');
  });
});
