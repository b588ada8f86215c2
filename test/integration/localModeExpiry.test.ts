import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ListPartsCommand, NoSuchUpload } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { silentLog } from '../../local/localLog.js';
import { type LocalMode, startLocal } from '../../local/startLocal.js';
import { callApi, emulatorS3, putPart } from './support/localHttp.js';

/**
 * Short lifetimes so expiry happens within the test: part URLs last 3 s, uploads 8 s, and
 * the expiry job runs every second. The first part must land before its URL expires (as
 * little as 2 s after signing: X-Amz-Date drops the milliseconds) and the re-signed part
 * before the upload expires, with room for a loaded CI machine. Clients reach the emulators
 * as `localhost` (what a phone would use a LAN address for), so part URLs are signed for that host.
 */
const PART_URL_SECONDS = 3;
const UPLOAD_SECONDS = 8;
const PART_BYTES = 5 * 1024 * 1024;

let local: LocalMode;
let dataDir: string;
let token: string;

beforeAll(async () => {
  process.env.POWERTOOLS_LOG_LEVEL ??= 'ERROR';
  dataDir = await mkdtemp(join(tmpdir(), 'local-mode-expiry-'));
  local = await startLocal({
    host: '127.0.0.1',
    publicHost: 'localhost',
    port: 0,
    s3Port: 0,
    dynamoDbPort: 0,
    sqsPort: 0,
    dataDir,
    expireIntervalSeconds: 1,
    uploadPolicy: { partUrlExpirySeconds: PART_URL_SECONDS, uploadExpirySeconds: UPLOAD_SECONDS },
    log: silentLog,
  });
  token = await local.mintToken('alice');
});

afterAll(async () => {
  await local?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

async function until(time: string, marginMs: number): Promise<void> {
  const wait = Date.parse(time) + marginMs - Date.now();
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
}

describe('local mode: expiry', () => {
  it('refuses an expired part URL with 403, re-signs it through POST /uploads/{id}/parts, and later expires the upload', async () => {
    expect(local.apiUrl).toMatch(/^http:\/\/localhost:\d+$/);
    const created = await callApi(local, 'POST', '/uploads', {
      token,
      body: { filename: 'late.mp3', contentType: 'audio/mpeg', size: 2 * PART_BYTES, partSize: PART_BYTES },
    });
    expect(created.status).toBe(201);
    const { uploadId, parts, partUrlsExpireAt, expiresAt } = created.body;
    expect(new URL(parts[0].url).host).toBe(new URL(local.s3Endpoint).host);
    expect((await putPart(parts[0].url, randomBytes(PART_BYTES))).status).toBe(200);

    await until(partUrlsExpireAt, 100);
    const stale = await fetch(parts[1].url, { method: 'PUT', body: randomBytes(PART_BYTES) });
    expect(stale.status).toBe(403);
    expect(await stale.text()).toMatch(/<Code>AccessDenied<\/Code><Message>Request has expired<\/Message>/);

    const resigned = await callApi(local, 'POST', `/uploads/${uploadId}/parts`, { token, body: { partNumbers: [2] } });
    expect(resigned.status).toBe(200);
    expect((await putPart(resigned.body.parts[0].url, randomBytes(PART_BYTES))).status).toBe(200);
    const held = await callApi(local, 'GET', `/uploads/${uploadId}`, { token });
    expect(held.body.uploadedParts.map((part: { partNumber: number }) => part.partNumber)).toEqual([1, 2]);

    // Never completed: the expiry job, on its timer, expires the upload and drops its parts.
    await until(expiresAt, 0);
    await vi.waitFor(
      async () => expect((await callApi(local, 'GET', `/uploads/${uploadId}`, { token })).body.status).toBe('expired'),
      { timeout: 5_000, interval: 250 },
    );
    // The job aborts the multipart upload right after the state write that GET shows: wait for it too.
    const s3 = emulatorS3(local);
    await vi.waitFor(
      () =>
        expect(
          s3.send(
            new ListPartsCommand({ Bucket: local.uploadsBucket, Key: `uploads/${uploadId}/source`, UploadId: new URL(parts[0].url).searchParams.get('uploadId')! }),
          ),
        ).rejects.toBeInstanceOf(NoSuchUpload),
      { timeout: 5_000, interval: 250 },
    );
    s3.destroy();
  });
});
