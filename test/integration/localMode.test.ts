import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ListPartsCommand, NoSuchKey, NoSuchUpload, PutObjectCommand, UploadPartCommand } from '@aws-sdk/client-s3';
import type { S3Event, SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeliveryReport } from '../../local/events/SqsEventDelivery.js';
import { handlerFile } from '../../local/loadHandler.js';
import { LOCAL_RESOURCES } from '../../local/localDefaults.js';
import { silentLog } from '../../local/localLog.js';
import { type LocalMode, startLocal } from '../../local/startLocal.js';
import { PROCESS_UPLOAD_FUNCTION } from '../../lib/eventFunctions.js';
import { callApi, emulatorS3, putPart, readObject } from './support/localHttp.js';

const MiB = 1024 * 1024;
const PART_SIZE = 5 * MiB;

let local: LocalMode;
let dataDir: string;
let alice: string;
let bob: string;
let s3: ReturnType<typeof emulatorS3>;

beforeAll(async () => {
  process.env.POWERTOOLS_LOG_LEVEL ??= 'ERROR';
  dataDir = await mkdtemp(join(tmpdir(), 'local-mode-'));
  local = await startLocal({ port: 0, s3Port: 0, dynamoDbPort: 0, sqsPort: 0, dataDir, expireIntervalSeconds: 0, retryDelayMs: () => 50, log: silentLog });
  alice = await local.mintToken('alice');
  bob = await local.mintToken('bob');
  s3 = emulatorS3(local);
});

afterAll(async () => {
  s3?.destroy();
  await local?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

interface Created {
  uploadId: string;
  status: string;
  partSize: number;
  partCount: number;
  parts: { partNumber: number; url: string }[];
  expiresAt: string;
}

async function create(size: number, token = alice): Promise<Created> {
  const answer = await callApi<Created>(local, 'POST', '/uploads', {
    token,
    body: { filename: 'holiday clip.mp4', contentType: 'video/mp4', size, partSize: PART_SIZE },
  });
  expect(answer.status).toBe(201);
  return answer.body;
}

function slice(file: Buffer, partNumber: number): Buffer {
  return file.subarray((partNumber - 1) * PART_SIZE, partNumber * PART_SIZE);
}

function sourceKey(uploadId: string): string {
  return `uploads/${uploadId}/source`;
}

describe('local mode: a multipart upload over HTTP', () => {
  it('creates, PUTs every part to its presigned URL, completes, and the emulator holds the exact bytes', async () => {
    const file = randomBytes(12 * MiB);
    const upload = await create(file.length);
    expect(upload).toMatchObject({ status: 'initiated', partSize: PART_SIZE, partCount: 3 });
    expect(upload.parts.map((part) => part.partNumber)).toEqual([1, 2, 3]);
    expect(new URL(upload.parts[0]!.url).origin).toBe(local.s3Endpoint);

    for (const part of upload.parts) {
      const response = await putPart(part.url, slice(file, part.partNumber));
      expect(response.status).toBe(200);
      expect(response.headers.get('etag')).toMatch(/^"[0-9a-f]{32}"$/);
    }
    const completed = await callApi(local, 'POST', `/uploads/${upload.uploadId}/complete`, { token: alice, body: {} });

    expect(completed.status).toBe(200);
    expect(completed.body).toMatchObject({ uploadId: upload.uploadId, status: 'uploaded', size: file.length });
    const stored = await readObject(s3, local.uploadsBucket, sourceKey(upload.uploadId));
    expect(stored.length).toBe(file.length);
    expect(stored.equals(file)).toBe(true);
  });

  it('resumes: GET shows the parts S3 holds, only the rest is sent, and the completed file is whole', async () => {
    const file = randomBytes(11 * MiB);
    const upload = await create(file.length);
    await putPart(upload.parts[1]!.url, slice(file, 2));

    const midway = await callApi(local, 'GET', `/uploads/${upload.uploadId}`, { token: alice });

    expect(midway.status).toBe(200);
    expect(midway.body.status).toBe('initiated');
    expect(midway.body.uploadedParts).toEqual([{ partNumber: 2, size: PART_SIZE, etag: expect.stringMatching(/^"[0-9a-f]{32}"$/) }]);

    const held = new Set(midway.body.uploadedParts.map((part: { partNumber: number }) => part.partNumber));
    for (const part of upload.parts.filter((candidate) => !held.has(candidate.partNumber))) {
      expect((await putPart(part.url, slice(file, part.partNumber))).status).toBe(200);
    }
    const completed = await callApi(local, 'POST', `/uploads/${upload.uploadId}/complete`, { token: alice, body: {} });

    expect(completed.body.status).toBe('uploaded');
    expect((await readObject(s3, local.uploadsBucket, sourceKey(upload.uploadId))).equals(file)).toBe(true);
  });

  it('cancels: DELETE aborts the multipart upload, so ListParts answers NoSuchUpload and a late part is refused', async () => {
    const upload = await create(10 * MiB);
    await putPart(upload.parts[0]!.url, randomBytes(PART_SIZE));
    const multipartUploadId = new URL(upload.parts[0]!.url).searchParams.get('uploadId')!;

    const cancelled = await callApi(local, 'DELETE', `/uploads/${upload.uploadId}`, { token: alice });

    expect(cancelled.status).toBe(200);
    expect(cancelled.body.status).toBe('cancelled');
    await expect(
      s3.send(new ListPartsCommand({ Bucket: local.uploadsBucket, Key: sourceKey(upload.uploadId), UploadId: multipartUploadId })),
    ).rejects.toBeInstanceOf(NoSuchUpload);
    const late = await putPart(upload.parts[1]!.url, randomBytes(PART_SIZE));
    expect(late.status).toBe(404);
    expect(await callApi(local, 'GET', `/uploads/${upload.uploadId}`, { token: alice })).toMatchObject({ body: { status: 'cancelled' } });
  });

  it('fails the upload with 422 SIZE_MISMATCH when S3 holds less than declared', async () => {
    const upload = await create(10 * MiB);
    await putPart(upload.parts[0]!.url, randomBytes(PART_SIZE));
    // A part URL signs its exact length, so a short part can only come from someone holding
    // credentials; the emulator accepts it like S3 would, and the API must catch the total.
    const partUrl = new URL(upload.parts[1]!.url);
    await s3.send(
      new UploadPartCommand({
        Bucket: local.uploadsBucket,
        Key: sourceKey(upload.uploadId),
        UploadId: partUrl.searchParams.get('uploadId')!,
        PartNumber: 2,
        Body: randomBytes(PART_SIZE - 1),
      }),
    );

    const completed = await callApi(local, 'POST', `/uploads/${upload.uploadId}/complete`, { token: alice, body: {} });

    expect(completed.status).toBe(422);
    expect(completed.body.error.code).toBe('SIZE_MISMATCH');
    const after = await callApi(local, 'GET', `/uploads/${upload.uploadId}`, { token: alice });
    expect(after.body).toMatchObject({ status: 'failed', error: { code: 'SIZE_MISMATCH' } });
  });
});

describe('local mode: presigned part URLs are checked like S3 checks them', () => {
  it('refuses a tampered URL and a body of another length with 403, and stores nothing', async () => {
    const upload = await create(6 * MiB);
    const tampered = new URL(upload.parts[0]!.url);
    tampered.searchParams.set('partNumber', '2');

    const forged = await fetch(tampered, { method: 'PUT', body: randomBytes(MiB) });
    const short = await fetch(upload.parts[1]!.url, { method: 'PUT', body: randomBytes(MiB - 1) });

    expect(forged.status).toBe(403);
    expect(await forged.text()).toContain('<Code>SignatureDoesNotMatch</Code>');
    expect(short.status).toBe(403);
    expect(await short.text()).toContain('<Code>SignatureDoesNotMatch</Code>');
    expect((await callApi(local, 'GET', `/uploads/${upload.uploadId}`, { token: alice })).body.uploadedParts).toEqual([]);
  });

  it('lets a browser read the ETag of a part it PUT from another origin', async () => {
    const upload = await create(5 * MiB);
    const url = upload.parts[0]!.url;
    const preflight = await fetch(url, {
      method: 'OPTIONS',
      headers: { origin: 'http://localhost:5173', 'access-control-request-method': 'PUT', 'access-control-request-headers': 'content-type' },
    });
    const put = await putPart(url, randomBytes(5 * MiB), { origin: 'http://localhost:5173' });

    expect(preflight.status).toBe(200);
    expect(preflight.headers.get('access-control-allow-methods')).toContain('PUT');
    expect(put.status).toBe(200);
    expect(put.headers.get('access-control-allow-origin')).toBe('*');
    expect(put.headers.get('access-control-expose-headers')).toBe('ETag');
  });
});

describe('local mode: the S3 emulator serves only signed requests, like S3 for a private bucket', () => {
  // Beside the originals, not one of them: processing deletes an `uploads/{id}/source` that no upload owns.
  const originalKey = 'uploads/signed-only/original';
  const mediaKey = 'media/signed-only/master.m3u8';

  beforeAll(async () => {
    await s3.send(new PutObjectCommand({ Bucket: local.uploadsBucket, Key: originalKey, Body: 'original bytes' }));
    await s3.send(new PutObjectCommand({ Bucket: local.mediaBucket, Key: mediaKey, Body: '#EXTM3U' }));
  });

  it.each([
    ['GET an original', 'GET', `/${LOCAL_RESOURCES.uploadsBucket}/${originalKey}`],
    ['HEAD an original', 'HEAD', `/${LOCAL_RESOURCES.uploadsBucket}/${originalKey}`],
    ['PUT an original', 'PUT', `/${LOCAL_RESOURCES.uploadsBucket}/uploads/unsigned/source`],
    ['DELETE an original', 'DELETE', `/${LOCAL_RESOURCES.uploadsBucket}/${originalKey}`],
    ['list the uploads bucket', 'GET', `/${LOCAL_RESOURCES.uploadsBucket}?list-type=2`],
    ['start a multipart upload', 'POST', `/${LOCAL_RESOURCES.uploadsBucket}/uploads/unsigned/source?uploads`],
    ['list the media bucket', 'GET', `/${LOCAL_RESOURCES.mediaBucket}?list-type=2&prefix=media/`],
    ['PUT an output', 'PUT', `/${LOCAL_RESOURCES.mediaBucket}/media/unsigned/poster.jpg`],
    ['DELETE an output', 'DELETE', `/${LOCAL_RESOURCES.mediaBucket}/${mediaKey}`],
  ])('refuses an unsigned request to %s with 403 AccessDenied, changing nothing', async (_what, method, path) => {
    const response = await fetch(`${local.s3Endpoint}${path}`, { method, body: method === 'PUT' ? 'x' : undefined });
    expect(response.status).toBe(403);
    if (method !== 'HEAD') expect(await response.text()).toMatch(/<Code>AccessDenied<\/Code><Message>Access Denied<\/Message>/);
    expect((await readObject(s3, local.uploadsBucket, originalKey)).toString()).toBe('original bytes');
    expect((await readObject(s3, local.mediaBucket, mediaKey)).toString()).toBe('#EXTM3U');
    await expect(readObject(s3, local.uploadsBucket, 'uploads/unsigned/source')).rejects.toBeInstanceOf(NoSuchKey);
  });

  it('refuses requests signed with another secret or another key id', async () => {
    const forger = emulatorS3({ ...local, credentials: { accessKeyId: local.credentials.accessKeyId, secretAccessKey: 'S3RVER' } });
    const stranger = emulatorS3({ ...local, credentials: { accessKeyId: 'AKIAOTHER', secretAccessKey: local.credentials.secretAccessKey } });
    try {
      await expect(readObject(forger, local.uploadsBucket, originalKey)).rejects.toMatchObject({ name: 'SignatureDoesNotMatch' });
      await expect(forger.send(new PutObjectCommand({ Bucket: local.uploadsBucket, Key: originalKey, Body: 'forged' }))).rejects.toMatchObject({
        name: 'SignatureDoesNotMatch',
      });
      await expect(readObject(stranger, local.uploadsBucket, originalKey)).rejects.toMatchObject({ name: 'InvalidAccessKeyId' });
    } finally {
      forger.destroy();
      stranger.destroy();
    }
    expect((await readObject(s3, local.uploadsBucket, originalKey)).toString()).toBe('original bytes');
  });

  it('serves outputs to anyone, as the CDN does in the stack, but only plain GETs and HEADs of an object', async () => {
    const output = await fetch(`${local.s3Endpoint}/${local.mediaBucket}/${mediaKey}`);
    expect(output.status).toBe(200);
    expect(await output.text()).toBe('#EXTM3U');
    expect((await fetch(`${local.s3Endpoint}/${local.mediaBucket}/${mediaKey}`, { method: 'HEAD' })).status).toBe(200);
    expect((await fetch(`${local.s3Endpoint}/${local.mediaBucket}/${mediaKey}?acl`)).status).toBe(403);
  });
});

describe('local mode: the gateway stands in for API Gateway and its JWT authorizer', () => {
  it("answers another user's upload with 404 on every route", async () => {
    const upload = await create(5 * MiB);
    const answers = await Promise.all([
      callApi(local, 'GET', `/uploads/${upload.uploadId}`, { token: bob }),
      callApi(local, 'POST', `/uploads/${upload.uploadId}/parts`, { token: bob, body: { partNumbers: [1] } }),
      callApi(local, 'POST', `/uploads/${upload.uploadId}/complete`, { token: bob, body: {} }),
      callApi(local, 'DELETE', `/uploads/${upload.uploadId}`, { token: bob }),
    ]);
    expect(answers.map((answer) => [answer.status, answer.body.error.code])).toEqual(Array(4).fill([404, 'NOT_FOUND']));
    expect((await callApi(local, 'GET', `/uploads/${upload.uploadId}`, { token: alice })).body.status).toBe('initiated');
  });

  it('answers a request without a token, or with a bad or expired one, with 401 {"message":"Unauthorized"}', async () => {
    const expired = await local.mintToken('alice', { expiresInSeconds: -1 });
    const [header, payload] = alice.split('.');
    const otherUser = JSON.parse(Buffer.from(payload!, 'base64url').toString());
    const forged = `${header}.${Buffer.from(JSON.stringify({ ...otherUser, sub: 'bob' })).toString('base64url')}.${alice.split('.')[2]}`;

    for (const token of [undefined, 'garbage', expired, forged]) {
      const answer = await callApi(local, 'GET', '/uploads', { token });
      expect(answer.status).toBe(401);
      expect(answer.body).toEqual({ message: 'Unauthorized' });
      expect(answer.headers.get('www-authenticate')).toMatch(/^Bearer/);
    }
    const late = await callApi(local, 'GET', '/uploads', { token: expired });
    expect(late.headers.get('www-authenticate')).toContain('error_description="the token has expired"');
  });

  it('answers an unknown route with 404 {"message":"Not Found"}, before asking for a token', async () => {
    expect(await callApi(local, 'GET', '/nowhere')).toMatchObject({ status: 404, body: { message: 'Not Found' } });
    expect(await callApi(local, 'PUT', '/uploads', { token: alice })).toMatchObject({ status: 404, body: { message: 'Not Found' } });
  });

  it('answers a CORS preflight itself with the stack rules, and tags answers to other origins', async () => {
    const preflight = await fetch(`${local.apiUrl}/uploads`, {
      method: 'OPTIONS',
      headers: { origin: 'http://localhost:5173', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' },
    });
    const config = await callApi(local, 'GET', '/config', { token: alice, headers: { origin: 'http://localhost:5173' } });

    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-methods')).toBe('GET,POST,DELETE,OPTIONS');
    expect(preflight.headers.get('access-control-allow-headers')).toBe('authorization,content-type');
    expect(config.status).toBe(200);
    expect(config.headers.get('access-control-allow-origin')).toBe('*');
  });

  it('mints a token for any user through POST /@local/token', async () => {
    const minted = await callApi(local, 'POST', '/@local/token', { body: { sub: 'carol' } });
    expect(minted.status).toBe(200);
    expect(minted.body.sub).toBe('carol');
    const list = await callApi(local, 'GET', '/uploads', { token: minted.body.token });
    expect(list.status).toBe(200);
    expect(list.body.items).toEqual([]);
  });

  it('mints a token for at most one day, and refuses a longer or malformed lifetime with 400 INVALID_EXPIRY', async () => {
    const day = await callApi(local, 'POST', '/@local/token', { body: { sub: 'carol', expiresInSeconds: 86_400 } });
    expect(day.status).toBe(200);
    const { exp, iat } = JSON.parse(Buffer.from(day.body.token.split('.')[1], 'base64url').toString()) as { exp: number; iat: number };
    expect(exp - iat).toBe(86_400);

    for (const expiresInSeconds of [86_401, 1e12, 0, 1.5, '3600']) {
      const refused = await callApi(local, 'POST', '/@local/token', { body: { sub: 'carol', expiresInSeconds } });
      expect(refused.status).toBe(400);
      expect(refused.body).toEqual({ error: { code: 'INVALID_EXPIRY', message: expect.stringContaining(JSON.stringify(expiresInSeconds)) } });
    }
  });

  it('refuses to mint a token for a web page (a request with an Origin): any site the developer visits could read it', async () => {
    const minted = await callApi(local, 'POST', '/@local/token', {
      body: '{"sub":"local-dev"}',
      headers: { origin: 'https://attacker.example', 'content-type': 'text/plain' },
    });

    expect(minted.status).toBe(403);
    expect(minted.body).toEqual({ error: { code: 'CROSS_ORIGIN', message: expect.stringContaining('https://attacker.example') } });
    expect(JSON.stringify(minted.body)).not.toContain('eyJ');
  });
});

describe('local mode: S3 events reach the function the stack wires', () => {
  it('delivers the completion as an SQS-wrapped S3 ObjectCreated:CompleteMultipartUpload event for the original', async () => {
    const file = randomBytes(5 * MiB + 3);
    const upload = await create(file.length);
    for (const part of upload.parts) await putPart(part.url, slice(file, part.partNumber));
    const key = sourceKey(upload.uploadId);
    const isThisUpload = (report: DeliveryReport) =>
      report.event.Records.some((record) => (JSON.parse(record.body) as S3Event).Records[0]?.s3.object.key === key);

    const reported = new Promise<DeliveryReport>((resolve) => {
      const stop = local.onDelivery((report) => {
        if (!isThisUpload(report) || report.outcome === 'retrying') return;
        stop();
        resolve(report);
      });
    });
    await callApi(local, 'POST', `/uploads/${upload.uploadId}/complete`, { token: alice, body: {} });
    const report = await reported;

    const record = report.event.Records.find((candidate) => candidate.messageId === report.messageId)!;
    expect(record).toMatchObject({ eventSource: 'aws:sqs', attributes: { ApproximateReceiveCount: '1' } });
    const s3Event = JSON.parse(record.body) as S3Event;
    expect(s3Event.Records).toHaveLength(1);
    expect(s3Event.Records[0]).toMatchObject({
      eventSource: 'aws:s3',
      eventName: 'ObjectCreated:CompleteMultipartUpload',
      s3: {
        bucket: { name: local.uploadsBucket, arn: `arn:aws:s3:::${local.uploadsBucket}` },
        object: { key, size: file.length },
      },
    });
    const processHandlerExists = existsSync(handlerFile(PROCESS_UPLOAD_FUNCTION.handler));
    expect(report.outcome).toBe(processHandlerExists ? 'delivered' : 'no-handler');
    if (processHandlerExists) {
      // Random bytes declared as video/mp4: the process function claims the upload and fails it with a stable code.
      const processed = await callApi(local, 'GET', `/uploads/${upload.uploadId}`, { token: alice });
      expect(processed.body).toMatchObject({ status: 'failed', error: { code: expect.any(String) } });
    }
  });

  it('sends no event for objects outside uploads/ or in the media bucket', async () => {
    const before = local.deliveries.length;
    await s3.send(new PutObjectCommand({ Bucket: local.mediaBucket, Key: 'media/x/poster.jpg', Body: 'jpg' }));
    await s3.send(new PutObjectCommand({ Bucket: local.uploadsBucket, Key: 'elsewhere/x', Body: 'x' }));
    await local.eventsIdle();
    expect(local.deliveries.slice(before).filter((report) => isFor(report.event, 'media/x/poster.jpg') || isFor(report.event, 'elsewhere/x'))).toEqual([]);
  });

  it('keeps delivering, and reporting to the other listeners, when an onDelivery listener throws', async () => {
    const key = 'uploads/listener-throws/source';
    const stopThrowing = local.onDelivery(() => {
      throw new Error('a listener bug');
    });
    const seen: DeliveryReport[] = [];
    const stopSeeing = local.onDelivery((report) => seen.push(report));
    try {
      await s3.send(new PutObjectCommand({ Bucket: local.uploadsBucket, Key: key, Body: 'x' }));
      await local.eventsIdle();
    } finally {
      stopThrowing();
      stopSeeing();
    }
    expect(seen.filter((report) => isFor(report.event, key)).map((report) => report.outcome)).toEqual([
      existsSync(handlerFile(PROCESS_UPLOAD_FUNCTION.handler)) ? 'delivered' : 'no-handler',
    ]);
  });
});

function isFor(event: SQSEvent, key: string): boolean {
  return event.Records.some((record) => record.body.includes(key));
}

describe('local mode: the curl walkthrough in docs/local-mode.md', () => {
  it('works with the exact request bodies the document sends, in its order', async () => {
    const doc = await readFile(new URL('../../docs/local-mode.md', import.meta.url), 'utf8');
    const walkthrough = doc.slice(doc.indexOf('## Walkthrough with curl'), doc.indexOf('## Events'));
    const bodies = [...walkthrough.matchAll(/-d '([^']*)'/g)].map((match) => match[1]!);
    expect(bodies).toHaveLength(4);
    const [tokenBody, createBody, partsBody, completeBody] = bodies as [string, string, string, string];

    const raw = async (method: string, path: string, body?: string, token?: string) => {
      const response = await fetch(`${local.apiUrl}${path}`, {
        method,
        headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(path === '/@local/token' ? {} : { 'content-type': 'application/json' }) },
        body,
      });
      return { status: response.status, json: await response.json() };
    };

    const minted = await raw('POST', '/@local/token', tokenBody);
    const token: string = minted.json.token;
    const { size } = JSON.parse(createBody) as { size: number };
    const file = randomBytes(size);

    const created = await raw('POST', '/uploads', createBody, token);
    expect(created.status).toBe(201);
    const uploadId: string = created.json.uploadId;
    expect(created.json.partCount).toBe(3);
    expect((await putPart(created.json.parts[0].url, slice(file, 1))).status).toBe(200);

    const held = await raw('GET', `/uploads/${uploadId}`, undefined, token);
    expect(held.json.uploadedParts).toEqual([{ partNumber: 1, size: PART_SIZE, etag: expect.any(String) }]);

    const fresh = await raw('POST', `/uploads/${uploadId}/parts`, partsBody, token);
    expect(fresh.status).toBe(200);
    for (const n of [2, 3]) {
      const url = fresh.json.parts.find((part: { partNumber: number }) => part.partNumber === n).url;
      expect((await putPart(url, slice(file, n))).status).toBe(200);
    }

    const completed = await raw('POST', `/uploads/${uploadId}/complete`, completeBody, token);
    expect(completed).toMatchObject({ status: 200, json: { status: 'uploaded' } });
    // As the document shows: the emulator refuses the unsigned GET, and a signed one reads the original.
    const unsigned = await fetch(`${local.s3Endpoint}/${local.uploadsBucket}/uploads/${uploadId}/source`);
    expect(unsigned.status).toBe(403);
    expect((await readObject(s3, local.uploadsBucket, `uploads/${uploadId}/source`)).equals(file)).toBe(true);
  });
});
