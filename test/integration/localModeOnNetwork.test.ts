import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLog } from '../../local/localLog.js';
import { type LocalMode, startLocal } from '../../local/startLocal.js';
import { callApi, emulatorS3, putPart, readObject } from './support/localHttp.js';

// Listens on every interface, as `--host 0.0.0.0` does, but names loopback as the public host:
// tests send traffic to this machine's loopback addresses only.
let local: LocalMode;
let dataDir: string;

beforeAll(async () => {
  process.env.POWERTOOLS_LOG_LEVEL ??= 'ERROR';
  dataDir = await mkdtemp(join(tmpdir(), 'local-mode-network-'));
  local = await startLocal({
    host: '0.0.0.0',
    publicHost: '127.0.0.1',
    port: 0,
    s3Port: 0,
    dynamoDbPort: 0,
    dataDir,
    expireIntervalSeconds: 0,
    processUploads: false,
    log: silentLog,
  });
});

afterAll(async () => {
  await local?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

describe('local mode on every interface (--host 0.0.0.0)', () => {
  it('serves the token route through loopback, with the lifetime cap', async () => {
    expect(local.tokenUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/@local\/token$/);
    const minted = await fetch(local.tokenUrl!, { method: 'POST', body: JSON.stringify({ sub: 'alice' }) });
    expect(minted.status).toBe(200);
    const tooLong = await fetch(local.tokenUrl!, { method: 'POST', body: JSON.stringify({ sub: 'alice', expiresInSeconds: 30 * 86_400 }) });
    expect(tooLong.status).toBe(400);
    expect((await tooLong.json()).error.code).toBe('INVALID_EXPIRY');
  });

  it('keeps DynamoDB on 127.0.0.1', () => {
    expect(new URL(local.dynamoDbEndpoint).hostname).toBe('127.0.0.1');
  });

  it('refuses unsigned S3 requests, while part URLs and the SDK with the local key work', async () => {
    const token = await local.mintToken('alice');
    const file = randomBytes(1024);
    const created = await callApi(local, 'POST', '/uploads', {
      token,
      body: { filename: 'a.mp3', contentType: 'audio/mpeg', size: file.length },
    });
    expect(created.status).toBe(201);
    const key = `uploads/${created.body.uploadId}/source`;

    const unsignedPut = await fetch(`${local.s3Endpoint}/${local.uploadsBucket}/${key}`, { method: 'PUT', body: file });
    expect(unsignedPut.status).toBe(403);
    expect((await putPart(created.body.parts[0].url, file)).status).toBe(200);
    const completed = await callApi(local, 'POST', `/uploads/${created.body.uploadId}/complete`, { token, body: {} });
    expect(completed.body.status).toBe('uploaded');

    expect((await fetch(`${local.s3Endpoint}/${local.uploadsBucket}/${key}`)).status).toBe(403);
    const s3 = emulatorS3(local);
    try {
      expect((await readObject(s3, local.uploadsBucket, key)).equals(file)).toBe(true);
    } finally {
      s3.destroy();
    }
  });
});
