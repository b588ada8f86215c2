import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { DeliveryReport } from '../../local/events/SqsEventDelivery.js';
import { silentLog } from '../../local/localLog.js';
import { type LocalMode, startLocal } from '../../local/startLocal.js';
import { callApi, putPart } from './support/localHttp.js';

/**
 * A process function whose runtime dies on every attempt after claiming the upload (as a
 * crash, the hard timeout or running out of memory would): it never reaches its own
 * last-attempt failure, which is the case the dead-letter function is there for.
 */
vi.mock('../../lambdas/process-upload/handler.js', () => ({
  handler: vi.fn(async (event: SQSEvent) => {
    // Imported here, after local mode set the environment the shared modules read at import.
    const { transition } = await import('../../lambdas/shared/transition.js');
    const { uploadIdsFromMessage } = await import('../../lambdas/shared/uploadIdsFromMessage.js');
    for (const uploadId of event.Records.flatMap((record) => uploadIdsFromMessage(record.body))) {
      await transition(uploadId, ['uploaded', 'processing'], 'processing', { stage: 'transcode', progress: 40 });
    }
    throw new Error('Runtime exited with error: signal: killed');
  }),
}));

const { handler: processHandler } = await import('../../lambdas/process-upload/handler.js');

let local: LocalMode;
let dataDir: string;
let token: string;

beforeAll(async () => {
  // The dead-letter function logs every dead letter as an error for operators; here that one is expected.
  process.env.POWERTOOLS_LOG_LEVEL ??= 'CRITICAL';
  dataDir = await mkdtemp(join(tmpdir(), 'local-mode-dead-letters-'));
  local = await startLocal({ port: 0, s3Port: 0, dynamoDbPort: 0, sqsPort: 0, dataDir, expireIntervalSeconds: 0, retryDelayMs: () => 20, log: silentLog });
  token = await local.mintToken('alice');
});

afterAll(async () => {
  await local?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

describe('local mode: dead letters', () => {
  it('hands an event whose every processing run died to the dead-letter function, which fails the upload', async () => {
    const file = randomBytes(1024);
    const created = await callApi(local, 'POST', '/uploads', {
      token,
      body: { filename: 'song.mp3', contentType: 'audio/mpeg', size: file.length },
    });
    expect(created.status).toBe(201);
    const { uploadId, parts } = created.body;
    const reports: DeliveryReport[] = [];
    const stopListening = local.onDelivery((report) => reports.push(report));
    expect((await putPart(parts[0].url, file)).status).toBe(200);
    expect((await callApi(local, 'POST', `/uploads/${uploadId}/complete`, { token, body: {} })).status).toBe(200);

    await local.eventsIdle();
    stopListening();

    expect(processHandler).toHaveBeenCalledTimes(3);
    expect(reports.map((report) => [report.event.Records[0]!.eventSourceARN.split(':').at(-1), report.outcome, report.receiveCount])).toEqual([
      ['media-pipeline-local-upload-events', 'retrying', 1],
      ['media-pipeline-local-upload-events', 'retrying', 2],
      ['media-pipeline-local-upload-events', 'dead-lettered', 3],
      ['media-pipeline-local-upload-events-dead-letters', 'delivered', 1],
    ]);
    expect(new Set(reports.map((report) => report.messageId)).size).toBe(1);
    const upload = await callApi(local, 'GET', `/uploads/${uploadId}`, { token });
    expect(upload.body).toMatchObject({
      status: 'failed',
      error: { code: 'PROCESSING_FAILED', message: 'Processing stopped after 3 attempts; upload the file again or contact support' },
    });
    expect(upload.body).not.toHaveProperty('progress');
    expect(upload.body).not.toHaveProperty('stage');
  });
});
