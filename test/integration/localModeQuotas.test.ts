import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { UploadPartCommand } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { silentLog } from '../../local/localLog.js';
import { type LocalMode, startLocal } from '../../local/startLocal.js';
import type { UploadPolicy } from '../../lambdas/shared/mediaPolicy.js';
import type { UserUsage } from '../../lambdas/shared/usage/UserUsage.js';
import { makeImage } from './processFixtures.js';
import { callApi, emulatorS3, putPart } from './support/localHttp.js';

const KiB = 1024;
const MiB = 1024 * KiB;

/** Small limits, so every one of them is reached with a few small files (each a single part). */
const LIMITS: Partial<UploadPolicy> = {
  maxFileSize: 4 * MiB,
  maxActiveUploadsPerUser: 3,
  maxBytesInFlightPerUser: 10 * MiB,
  maxStoredBytesPerUser: 12 * MiB,
  maxUploadsPerHourPerUser: 12,
};

let local: LocalMode;
let dataDir: string;
let dynamo: DynamoDBDocumentClient;

beforeAll(async () => {
  process.env.POWERTOOLS_LOG_LEVEL ??= 'ERROR';
  dataDir = await mkdtemp(join(tmpdir(), 'local-mode-quotas-'));
  local = await startLocal({
    port: 0,
    s3Port: 0,
    dynamoDbPort: 0,
    dataDir,
    expireIntervalSeconds: 0,
    uploadPolicy: LIMITS,
    retryDelayMs: () => 50,
    log: silentLog,
  });
  dynamo = DynamoDBDocumentClient.from(
    new DynamoDBClient({ endpoint: local.dynamoDbEndpoint, region: local.region, credentials: local.credentials }),
  );
});

afterAll(async () => {
  dynamo?.destroy();
  await local?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

interface Created {
  readonly uploadId: string;
  readonly parts: readonly { partNumber: number; url: string }[];
}

function create(token: string, size: number, contentType = 'image/jpeg') {
  return callApi<Created & { error: { code: string; message: string } }>(local, 'POST', '/uploads', {
    token,
    body: { filename: 'photo.jpg', contentType, size },
  });
}

async function created(token: string, size: number, contentType?: string): Promise<Created> {
  const answer = await create(token, size, contentType);
  expect(answer.status).toBe(201);
  return answer.body;
}

async function send(upload: Created, bytes: Buffer, token: string) {
  expect((await putPart(upload.parts[0]!.url, bytes)).status).toBe(200);
  return callApi(local, 'POST', `/uploads/${upload.uploadId}/complete`, { token, body: {} });
}

async function statusOf(token: string, uploadId: string): Promise<string> {
  return (await callApi(local, 'GET', `/uploads/${uploadId}`, { token })).body.status;
}

/** Waits until processing is done with the upload: `ready` or `failed`. */
async function processed(token: string, uploadId: string): Promise<string> {
  await local.eventsIdle();
  let status = '';
  await vi.waitFor(
    async () => {
      status = await statusOf(token, uploadId);
      expect(['ready', 'failed']).toContain(status);
    },
    { timeout: 30_000, interval: 100 },
  );
  return status;
}

async function usageOf(sub: string): Promise<UserUsage | undefined> {
  const { Item } = await dynamo.send(new GetCommand({ TableName: local.usageTable, Key: { ownerId: sub }, ConsistentRead: true }));
  return Item as UserUsage | undefined;
}

/** The user's counters, and that they add up to the shares the item holds. */
async function figures(sub: string) {
  const usage = await usageOf(sub);
  const shares = Object.values(usage?.active ?? {});
  expect(usage?.activeUploads ?? 0).toBe(shares.length);
  expect(usage?.bytesInFlight ?? 0).toBe(shares.filter((share) => share.phase === 'initiated').reduce((sum, share) => sum + share.size, 0));
  return {
    active: usage?.activeUploads ?? 0,
    inFlight: usage?.bytesInFlight ?? 0,
    stored: (usage?.bytesHeld ?? 0) - (usage?.bytesInFlight ?? 0),
    thisHour: usage?.uploadsThisHour ?? 0,
  };
}

/** Multipart uploads s3rver holds in progress, whatever their owner. */
async function multipartUploadsInS3(): Promise<number> {
  const entries = await readdir(join(local.dataDir, 's3', local.uploadsBucket, '._S3rver_uploads')).catch(() => []);
  return entries.length;
}

/** The test counts creates within one clock hour: close to its end, it waits for the next one. */
async function awayFromTheHourEnd(): Promise<void> {
  const left = 3_600_000 - (Date.now() % 3_600_000);
  if (left < 30_000) await new Promise((resolve) => setTimeout(resolve, left + 100));
}

describe('local mode: per-user limits', () => {
  it('lets exactly the limit of concurrent creates through, refuses the rest with 403 and writes nothing for them', async () => {
    const token = await local.mintToken('racer');
    const uploadsBefore = await multipartUploadsInS3();

    const answers = await Promise.all(Array.from({ length: 10 }, () => create(token, KiB)));

    const accepted = answers.filter((answer) => answer.status === 201);
    const refused = answers.filter((answer) => answer.status !== 201);
    expect(accepted).toHaveLength(3);
    expect(refused).toHaveLength(7);
    for (const answer of refused) {
      expect(answer).toMatchObject({
        status: 403,
        body: { error: { code: 'QUOTA_EXCEEDED', message: expect.stringMatching(/^You have 3 unfinished uploads and the limit is 3 per user;/) } },
      });
    }
    const listed = await callApi(local, 'GET', '/uploads', { token });
    expect(listed.body.items.map((item: { uploadId: string }) => item.uploadId).sort()).toEqual(accepted.map((answer) => answer.body.uploadId).sort());
    expect(await multipartUploadsInS3()).toBe(uploadsBefore + 3);
    expect(await figures('racer')).toMatchObject({ active: 3, inFlight: 3 * KiB });

    // Another user is not held back by this one.
    expect((await create(await local.mintToken('bystander'), KiB)).status).toBe(201);
  });

  it('lets exactly as many concurrent creates through as the bytes in flight allow', async () => {
    const token = await local.mintToken('bulky');

    const answers = await Promise.all(Array.from({ length: 3 }, () => create(token, 4 * MiB)));

    expect(answers.map((answer) => answer.status).sort()).toEqual([201, 201, 403]);
    expect(answers.find((answer) => answer.status === 403)?.body.error).toEqual({
      code: 'QUOTA_EXCEEDED',
      message:
        'Your uploads in progress declare 8 MiB (8388608 bytes); with this one (4 MiB (4194304 bytes)) that is over the limit of ' +
        '10 MiB (10485760 bytes) in flight per user; complete or cancel an upload first',
    });
    expect(await figures('bulky')).toMatchObject({ active: 2, inFlight: 8 * MiB });
  });

  it('gives the share back on every end state: cancelled, failed at complete, ready, failed in processing, expired, deleted', async () => {
    const sub = 'cycler';
    const token = await local.mintToken(sub);
    const image = await readFile(await makeImage(join(dataDir, 'photo.png'), 64, 48));
    const garbage = randomBytes(3 * KiB);

    const cancelled = await created(token, KiB);
    const mismatched = await created(token, 2 * KiB);
    const good = await created(token, image.length, 'image/png');
    expect((await create(token, KiB)).status).toBe(403);

    expect((await callApi(local, 'DELETE', `/uploads/${cancelled.uploadId}`, { token })).body.status).toBe('cancelled');
    expect(await figures(sub)).toMatchObject({ active: 2, inFlight: 2 * KiB + image.length, stored: 0 });

    // Half the declared bytes (a part URL signs its length, so only a credential holder can send
    // a short part): complete fails the upload with 422 SIZE_MISMATCH; a failed upload counts until deleted.
    const s3 = emulatorS3(local);
    await s3.send(
      new UploadPartCommand({
        Bucket: local.uploadsBucket,
        Key: `uploads/${mismatched.uploadId}/source`,
        UploadId: new URL(mismatched.parts[0]!.url).searchParams.get('uploadId')!,
        PartNumber: 1,
        Body: garbage.subarray(0, KiB),
      }),
    );
    s3.destroy();
    const completed = await callApi(local, 'POST', `/uploads/${mismatched.uploadId}/complete`, { token, body: {} });
    expect(completed.body.error.code).toBe('SIZE_MISMATCH');
    expect(await figures(sub)).toMatchObject({ active: 1, inFlight: image.length, stored: 2 * KiB });

    expect((await send(good, image, token)).status).toBe(200);
    expect(await processed(token, good.uploadId)).toBe('ready');
    expect(await figures(sub)).toMatchObject({ active: 0, inFlight: 0, stored: 2 * KiB + image.length });

    const bad = await created(token, garbage.length);
    expect((await send(bad, garbage, token)).status).toBe(200);
    expect(await processed(token, bad.uploadId)).toBe('failed');
    expect(await figures(sub)).toMatchObject({ active: 0, inFlight: 0, stored: 2 * KiB + image.length + garbage.length });

    // Never completed: its deadline is moved into the past, as if the day had gone by, and the expiry job runs.
    const abandoned = await created(token, KiB);
    await dynamo.send(
      new UpdateCommand({
        TableName: local.uploadsTable,
        Key: { uploadId: abandoned.uploadId },
        UpdateExpression: 'SET expiresAt = :past',
        ExpressionAttributeValues: { ':past': new Date(Date.now() - 1_000).toISOString() },
      }),
    );
    await local.runExpiry();
    expect(await statusOf(token, abandoned.uploadId)).toBe('expired');
    expect(await figures(sub)).toMatchObject({ active: 0, inFlight: 0, stored: 2 * KiB + image.length + garbage.length });

    const requestedBefore = local.invalidationRequests.length;
    for (const upload of [cancelled, mismatched, good, bad, abandoned]) {
      expect((await callApi(local, 'DELETE', `/uploads/${upload.uploadId}`, { token })).status).toBe(204);
    }
    // Each removal that may have had outputs served asks the CDN to forget them; an expired upload never had any.
    expect(local.invalidationRequests.slice(requestedBefore)).toEqual([cancelled, mismatched, good, bad].map((upload) => upload.uploadId));
    expect(await figures(sub)).toMatchObject({ active: 0, inFlight: 0, stored: 0 });
    // A DELETE retried after the record went releases nothing twice.
    expect((await callApi(local, 'DELETE', `/uploads/${good.uploadId}`, { token })).status).toBe(404);
    expect(await figures(sub)).toMatchObject({ stored: 0 });
  });

  it('refuses a create over the stored bytes with 403, counting the uploads in flight, and accepts it once uploads are deleted', async () => {
    const token = await local.mintToken('keeper');
    const kept: Created[] = [];
    for (let index = 0; index < 3; index += 1) {
      const upload = await created(token, 3 * MiB);
      expect((await send(upload, randomBytes(3 * MiB), token)).status).toBe(200);
      expect(await processed(token, upload.uploadId)).toBe('failed');
      kept.push(upload);
    }
    await created(token, MiB);

    const refused = await create(token, 3 * MiB);

    expect(refused.status).toBe(403);
    expect(refused.body.error).toEqual({
      code: 'QUOTA_EXCEEDED',
      message:
        'You keep 9 MiB (9437184 bytes) of uploads and 1 MiB (1048576 bytes) are in flight; with this one (3 MiB (3145728 bytes)) ' +
        'that is over the limit of 12 MiB (12582912 bytes) stored per user; delete uploads you no longer need',
    });
    expect(await figures('keeper')).toMatchObject({ active: 1, inFlight: MiB, stored: 9 * MiB });

    expect((await callApi(local, 'DELETE', `/uploads/${kept[0]!.uploadId}`, { token })).status).toBe(204);
    expect((await create(token, 3 * MiB)).status).toBe(201);
  });

  it('refuses the 13th create of the hour with 429 and Retry-After, whatever became of the first 12, and writes nothing for it', async () => {
    await awayFromTheHourEnd();
    const token = await local.mintToken('hasty');
    for (let index = 0; index < 12; index += 1) {
      const upload = await created(token, KiB);
      expect((await callApi(local, 'DELETE', `/uploads/${upload.uploadId}`, { token })).status).toBe(200);
    }
    const uploadsBefore = await multipartUploadsInS3();

    const refused = await create(token, KiB);

    expect(refused.status).toBe(429);
    expect(refused.body.error).toEqual({
      code: 'RATE_LIMITED',
      message: expect.stringMatching(/^You created 12 uploads this hour and the limit is 12 per hour; try again after \S+:00:00\.000Z \(in \d+ min\)$/),
    });
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(3600);
    expect(await multipartUploadsInS3()).toBe(uploadsBefore);
    expect((await callApi(local, 'GET', '/uploads?limit=100', { token })).body.items).toHaveLength(12);
    expect(await figures('hasty')).toMatchObject({ active: 0, inFlight: 0, stored: 0, thisHour: 12 });
  });

  it('reports the per-user limits in GET /config', async () => {
    const config = await callApi(local, 'GET', '/config', { token: await local.mintToken('reader') });

    expect(config.body.perUser).toEqual({ maxActiveUploads: 3, maxBytesInFlight: 10 * MiB, maxStoredBytes: 12 * MiB, maxUploadsPerHour: 12 });
  });
});
