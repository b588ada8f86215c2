import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EVENTS_ENV, MEDIA_ACCESS_ENV } from '../../lambdas/shared/config.js';
import { silentLog } from '../../local/localLog.js';
import { type LocalMode, startLocal } from '../../local/startLocal.js';
import { signedJsonHeaders } from '../unit/support/awsJsonSigning.js';
import { callApi, putPart } from './support/localHttp.js';

const BACKEND_SECRET = `whsec_${randomBytes(32).toString('base64')}`;
const DOWN_SECRET = `whsec_${randomBytes(32).toString('base64')}`;
const PART_BYTES = 5 * 1024 * 1024;

interface Received {
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/** A webhook receiver on loopback that records every request and answers `status`. */
async function receiver(status: number): Promise<{ url: string; received: Received[]; server: Server }> {
  const received: Received[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({ headers: request.headers, body: Buffer.concat(chunks).toString('utf8') });
      response.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`, received, server };
}

let local: LocalMode;
let dataDir: string;
let backend: Awaited<ReturnType<typeof receiver>>;
let down: Awaited<ReturnType<typeof receiver>>;

beforeAll(async () => {
  process.env.POWERTOOLS_LOG_LEVEL ??= 'ERROR';
  dataDir = await mkdtemp(join(tmpdir(), 'local-mode-webhooks-'));
  backend = await receiver(204);
  down = await receiver(503);
  local = await startLocal({
    port: 0,
    s3Port: 0,
    dynamoDbPort: 0,
    sqsPort: 0,
    dataDir,
    expireIntervalSeconds: 0,
    processUploads: false,
    log: silentLog,
    webhooks: [
      { id: 'backend', url: backend.url, secret: BACKEND_SECRET },
      { id: 'down', url: down.url, secret: DOWN_SECRET, events: ['Upload Cancelled'] },
    ],
    // Two retries without waiting: three tries, then the dead letter, bounded and quick.
    webhookRetryDelaysSeconds: [0, 0],
  });
});

afterAll(async () => {
  await local?.stop();
  backend?.server.close();
  down?.server.close();
  await rm(dataDir, { recursive: true, force: true });
});

/** Creates, uploads, completes and cancels one upload: three state changes, with writes within a state between them. */
async function uploadAndCancel(): Promise<string> {
  const token = await local.mintToken('alice');
  const created = await callApi(local, 'POST', '/uploads', {
    token,
    body: { filename: 'talk.mp3', contentType: 'audio/mpeg', size: 2 * PART_BYTES, partSize: PART_BYTES, metadata: { title: 'Talk' } },
  });
  expect(created.status).toBe(201);
  const { uploadId, parts } = created.body as { uploadId: string; parts: { url: string }[] };
  for (const part of parts) expect((await putPart(part.url, randomBytes(PART_BYTES))).status).toBe(200);
  expect((await callApi(local, 'POST', `/uploads/${uploadId}/complete`, { token, body: {} })).status).toBe(200);
  expect((await callApi(local, 'DELETE', `/uploads/${uploadId}`, { token })).status).toBeLessThan(300);
  await local.webhooksIdle();
  return uploadId;
}

describe('local mode: events and webhooks', () => {
  let uploadId: string;
  beforeAll(async () => {
    uploadId = await uploadAndCancel();
  });

  it('puts one EventBridge-shaped event per state change on the bus, none for the writes within a state', () => {
    const events = local.busEvents.filter((event) => (event.detail as { upload: { uploadId: string } }).upload.uploadId === uploadId);

    expect(events.map((event) => event['detail-type'])).toEqual(['Upload Created', 'Upload Uploaded', 'Upload Cancelled']);
    expect(events.map((event) => (event.detail as { previousStatus?: string }).previousStatus)).toEqual([undefined, 'initiated', 'uploaded']);
    for (const event of events) {
      expect(event).toMatchObject({ version: '0', source: 'media-pipeline', account: '000000000000', region: 'us-east-1', resources: [] });
      expect(event.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
      expect(event.detail).toMatchObject({ ownerId: 'alice', upload: { uploadId, filename: 'talk.mp3', metadata: { title: 'Talk' } } });
      expect(event.detail).not.toHaveProperty('upload.sourceKey');
    }
  });

  it('delivers every state change to the receiver, signed so that it verifies with standardwebhooks, one id per state change', () => {
    const mine = backend.received.filter((request) => request.body.includes(uploadId));

    const verified = mine.map((request) => new Webhook(BACKEND_SECRET).verify(request.body, request.headers as Record<string, string>) as { type: string; data: { eventId: string } });
    expect(verified.map((payload) => payload.type)).toEqual(['upload.created', 'upload.uploaded', 'upload.cancelled']);
    expect(mine.map((request) => request.headers['webhook-id'])).toEqual([`${uploadId}.initiated`, `${uploadId}.uploaded`, `${uploadId}.cancelled`]);
    expect(verified.map((payload) => payload.data.eventId)).toEqual(mine.map((request) => request.headers['webhook-id']));
    expect(mine.every((request) => request.headers['content-type'] === 'application/json')).toBe(true);
    // Another webhook's secret does not verify it.
    expect(() => new Webhook(DOWN_SECRET).verify(mine[0]?.body ?? '', mine[0]?.headers as Record<string, string>)).toThrow();
  });

  it('delivers to a webhook only the event types it asked for, retries a failing receiver, then dead-letters the delivery', () => {
    const tries = down.received.filter((request) => request.body.includes(uploadId));

    expect(tries).toHaveLength(3);
    expect(new Set(tries.map((request) => request.headers['webhook-id']))).toEqual(new Set([`${uploadId}.cancelled`]));
    expect(new Set(tries.map((request) => request.body)).size).toBe(1);
    for (const request of tries) expect(new Webhook(DOWN_SECRET).verify(request.body, request.headers as Record<string, string>)).toMatchObject({ type: 'upload.cancelled' });
    const reports = local.webhookDeliveries.filter((report) => {
      const body = report.event.Records.find((record) => record.messageId === report.messageId)?.body ?? '';
      return body.includes('"webhook":"down"') && body.includes(uploadId);
    });
    expect(reports.map((report) => [report.receiveCount, report.outcome])).toEqual([
      [1, 'retrying'],
      [2, 'retrying'],
      [3, 'dead-lettered'],
    ]);
    const deadLetters = local.webhookDeadLetters.map((body) => JSON.parse(body) as { webhook: string; event: { 'detail-type': string; detail: { eventId: string } } });
    expect(deadLetters).toEqual([expect.objectContaining({ webhook: 'down', event: expect.objectContaining({ 'detail-type': 'Upload Cancelled', detail: expect.objectContaining({ eventId: `${uploadId}.cancelled` }) }) })]);
  });

  it("refuses unsigned and wrongly signed PutEvents, SendMessage and GetSecretValue on local mode's endpoints with 403: nothing is put, queued, delivered or handed out", async () => {
    const eventBridge = process.env[EVENTS_ENV.eventBridgeEndpoint] as string;
    const queueUrl = process.env[EVENTS_ENV.webhookQueueUrl] as string;
    const secretsManager = process.env[MEDIA_ACCESS_ENV.secretsManagerEndpoint] as string;
    const forgedId = `forged-${randomBytes(4).toString('hex')}`;
    const event = { source: 'media-pipeline', 'detail-type': 'Upload Ready', time: '2026-11-28T00:00:00Z', detail: { eventId: `${forgedId}.ready`, upload: { uploadId: forgedId } } };
    const requests = [
      { url: eventBridge, target: 'AWSEvents.PutEvents', service: 'events', body: { Entries: [{ EventBusName: process.env[EVENTS_ENV.eventBusName], Source: 'media-pipeline', DetailType: 'Upload Ready', Detail: JSON.stringify(event.detail) }] } },
      { url: new URL(queueUrl).origin, target: 'AmazonSQS.SendMessage', service: 'sqs', body: { QueueUrl: queueUrl, MessageBody: JSON.stringify({ webhook: 'backend', event }) } },
      { url: secretsManager, target: 'secretsmanager.GetSecretValue', service: 'secretsmanager', body: { SecretId: 'arn:aws:secretsmanager:us-east-1:000000000000:secret:media-pipeline-local-webhook-backend' } },
    ];
    const busBefore = local.busEvents.length;
    const deliveriesBefore = local.webhookDeliveries.length;

    for (const request of requests) {
      const body = JSON.stringify(request.body);
      const wrongKey = { ...local.credentials, secretAccessKey: 'S3RVER' };
      const attempts = [
        { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': request.target },
        await signedJsonHeaders(request.url, body, { credentials: wrongKey, service: request.service, target: request.target }),
        await signedJsonHeaders(request.url, body, { credentials: local.credentials, service: request.service, target: request.target, date: new Date(Date.now() - 20 * 60_000) }),
      ];
      for (const headers of attempts) {
        const response = await fetch(request.url, { method: 'POST', headers, body });
        const answer = await response.text();
        expect([request.target, response.status]).toEqual([request.target, 403]);
        expect(JSON.parse(answer)).toEqual({ __type: expect.stringMatching(/^(MissingAuthenticationToken|InvalidSignature)Exception$/), message: expect.any(String) });
        expect(answer).not.toContain(BACKEND_SECRET.slice('whsec_'.length));
      }
    }
    await local.webhooksIdle();

    // Signed with the local key, as the functions sign, the same request is served.
    const read = requests[2] as (typeof requests)[number];
    const readBody = JSON.stringify(read.body);
    const served = await fetch(read.url, { method: 'POST', headers: await signedJsonHeaders(read.url, readBody, { credentials: local.credentials, service: read.service, target: read.target }), body: readBody });
    expect(served.status).toBe(200);
    expect(await served.json()).toMatchObject({ SecretString: BACKEND_SECRET });
    expect(local.busEvents.length).toBe(busBefore);
    expect(local.webhookDeliveries.length).toBe(deliveriesBefore);
    expect(backend.received.filter((request) => request.body.includes(forgedId))).toEqual([]);
  });

  it('refuses to start with a webhook that is plain http off loopback, naming it', async () => {
    await expect(startLocal({ dataDir, webhooks: [{ id: 'remote', url: 'http://hooks.example.com/in', secret: BACKEND_SECRET }], log: silentLog })).rejects.toThrow(
      "webhooks[0].url must be https://, or http:// on a loopback host (127.0.0.1, ::1, localhost), got 'http://hooks.example.com/in'",
    );
  });
});
