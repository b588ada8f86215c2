import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLog } from '../../local/localLog.js';
import { type LocalMode, startLocal } from '../../local/startLocal.js';
import { callApi, putPart } from './support/localHttp.js';

let local: LocalMode;
let dataDir: string;
let token: string;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'local-mode-without-processing-'));
  local = await startLocal({ port: 0, s3Port: 0, dynamoDbPort: 0, sqsPort: 0, dataDir, expireIntervalSeconds: 0, log: silentLog, processUploads: false });
  token = await local.mintToken('bench');
});

afterAll(async () => {
  await local?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

describe('local mode with processUploads: false (what the upload benchmarks use)', () => {
  it('completes uploads but delivers no S3 event, so they stay uploaded', async () => {
    const file = randomBytes(2048);
    const created = await callApi(local, 'POST', '/uploads', {
      token,
      body: { filename: 'clip.mp4', contentType: 'video/mp4', size: file.length },
    });
    expect(created.status).toBe(201);
    const { uploadId, parts } = created.body;
    expect((await putPart(parts[0].url, file)).status).toBe(200);
    expect((await callApi(local, 'POST', `/uploads/${uploadId}/complete`, { token, body: {} })).status).toBe(200);

    await local.eventsIdle();

    expect(local.deliveries).toEqual([]);
    expect((await callApi(local, 'GET', `/uploads/${uploadId}`, { token })).body).toMatchObject({ status: 'uploaded' });
  });
});
