import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalLog } from '../../local/localLog.js';
import { type LocalMode, startLocal } from '../../local/startLocal.js';
import { callApi, putPart } from './support/localHttp.js';

let local: LocalMode;
let dataDir: string;
let token: string;
const warnings: string[] = [];
const log: LocalLog = { info: () => undefined, warn: (message) => warnings.push(message), error: () => undefined };

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'local-mode-without-ffmpeg-'));
  process.env.FFMPEG_PATH = join(dataDir, 'no-such-ffmpeg');
  process.env.FFPROBE_PATH = join(dataDir, 'no-such-ffprobe');
  local = await startLocal({ port: 0, s3Port: 0, dynamoDbPort: 0, dataDir, expireIntervalSeconds: 0, log });
  token = await local.mintToken('alice');
});

afterAll(async () => {
  await local?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

describe('local mode without an ffmpeg that runs', () => {
  it('says so at start, with the command that fixes it, instead of failing uploads later', () => {
    expect(local.ffmpeg).toBeUndefined();
    expect(warnings).toEqual([
      expect.stringMatching(/^processing is off: .*no-such-ffmpeg and .*no-such-ffprobe from FFMPEG_PATH\/FFPROBE_PATH did not run; uploads will stay 'uploaded'\. To process them: npm run build:ffmpeg/),
    ]);
  });

  it('still completes uploads, which stay uploaded', async () => {
    const file = randomBytes(2048);
    const created = await callApi(local, 'POST', '/uploads', { token, body: { filename: 'clip.mp4', contentType: 'video/mp4', size: file.length } });
    const { uploadId, parts } = created.body;
    expect((await putPart(parts[0].url, file)).status).toBe(200);
    expect((await callApi(local, 'POST', `/uploads/${uploadId}/complete`, { token, body: {} })).status).toBe(200);
    await local.eventsIdle();
    expect(local.deliveries).toEqual([]);
    expect((await callApi(local, 'GET', `/uploads/${uploadId}`, { token })).body).toMatchObject({ status: 'uploaded' });
  });
});
