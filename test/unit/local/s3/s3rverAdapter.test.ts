import { mkdtemp, readdir, rm } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { S3Client, UploadPartCommand } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { LOCAL_ACCESS_KEY_ID } from '../../../../local/localDefaults.js';
import { type AdapterContext, s3rverAdapter } from '../../../../local/s3/s3rverAdapter.js';
import { s3OperationContext } from '../../../../local/s3/s3OperationContext.js';
import { S3rverMultipartStore } from '../../../../local/s3/S3rverMultipartStore.js';
import { S3rverObjectStore } from '../../../../local/s3/S3rverObjectStore.js';
import { signedHeaders } from '../../support/s3Signing.js';

/** Local mode's key pair as one data folder has it: s3rver's key id and a secret made for the folder. */
const CREDENTIALS = { accessKeyId: LOCAL_ACCESS_KEY_ID, secretAccessKey: 'secret-made-for-this-data-folder' };

/** s3rver's own store writes the uploads, so the adapter is tested against the real on-disk layout. */
const FilesystemStore = createRequire(import.meta.url)('s3rver/lib/stores/filesystem.js') as new (root: string) => {
  putBucket(bucket: string): Promise<unknown>;
  initiateUpload(bucket: string, key: string, uploadId: string, metadata: object): Promise<void>;
  putPart(bucket: string, uploadId: string, partNumber: number, content: Readable): Promise<{ md5: string }>;
};

const BUCKET = 'media-pipeline-uploads';
/** Read by anyone, as the CDN serves it in the stack. */
const MEDIA_BUCKET = 'media-pipeline-media';
const KEY = 'uploads/u-1/source';
const UPLOAD_ID = 'a1b2c3d4e5f6';

let root: string;
let store: InstanceType<typeof FilesystemStore>;

/**
 * The adapter's view of a request: signed in its `Authorization` header with the local key, as
 * the SDK signs, unless `signed` is false (presigned URLs carry their signature in the query).
 */
async function context(
  method: string,
  url: string,
  headers: Record<string, string> = {},
  { signed = true }: { signed?: boolean } = {},
): Promise<AdapterContext & { headers: Record<string, string> }> {
  const sent = signed ? await signedHeaders(method, url, headers, CREDENTIALS) : { host: '127.0.0.1:4568', ...headers };
  const set: Record<string, string> = {};
  return {
    method,
    req: { url, headers: sent } as unknown as IncomingMessage,
    status: 404,
    body: undefined,
    type: '',
    headers: set,
    set: (field, value) => {
      set[field.toLowerCase()] = value;
    },
  };
}

async function run(ctx: AdapterContext, now = new Date()): Promise<{ passedThrough: boolean; operation: string | undefined }> {
  const adapter = s3rverAdapter({ store: new S3rverMultipartStore(root), objects: new S3rverObjectStore(root), credentials: CREDENTIALS, publicReadBuckets: [MEDIA_BUCKET], now: () => now });
  let passedThrough = false;
  let operation: string | undefined;
  await adapter(ctx, async () => {
    passedThrough = true;
    operation = s3OperationContext.getStore();
  });
  return { passedThrough, operation };
}

async function putPart(partNumber: number, bytes: number) {
  return store.putPart(BUCKET, UPLOAD_ID, partNumber, Readable.from([Buffer.alloc(bytes, partNumber)]));
}

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 's3rver-adapter-'));
  store = new FilesystemStore(root);
  await store.putBucket(BUCKET);
  await store.initiateUpload(BUCKET, KEY, UPLOAD_ID, {});
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('s3rverAdapter: ListParts', () => {
  it('lists the stored parts in order with size and quoted ETag, without reaching s3rver', async () => {
    const two = await putPart(2, 7);
    const one = await putPart(1, 5);
    const ctx = await context('GET', `/${BUCKET}/${KEY}?uploadId=${UPLOAD_ID}&x-id=ListParts`);

    const { passedThrough } = await run(ctx);

    expect(passedThrough).toBe(false);
    expect(ctx.status).toBe(200);
    expect(ctx.type).toBe('application/xml');
    const body = String(ctx.body);
    expect(body).toContain(`<Bucket>${BUCKET}</Bucket><Key>${KEY}</Key><UploadId>${UPLOAD_ID}</UploadId>`);
    expect(body).toContain('<IsTruncated>false</IsTruncated>');
    expect(body.match(/<PartNumber>(\d+)<\/PartNumber>/g)).toEqual(['<PartNumber>1</PartNumber>', '<PartNumber>2</PartNumber>']);
    expect(body).toContain(`<ETag>&#34;${one.md5}&#34;</ETag><Size>5</Size>`);
    expect(body).toContain(`<ETag>&#34;${two.md5}&#34;</ETag><Size>7</Size>`);
  });

  it('pages with max-parts and part-number-marker like S3', async () => {
    for (const n of [1, 2, 3]) await putPart(n, 1);
    const ctx = await context('GET', `/${BUCKET}/${KEY}?uploadId=${UPLOAD_ID}&max-parts=1&part-number-marker=1`);

    await run(ctx);

    const body = String(ctx.body);
    expect(body.match(/<PartNumber>(\d+)<\/PartNumber>/g)).toEqual(['<PartNumber>2</PartNumber>']);
    expect(body).toContain('<PartNumberMarker>1</PartNumberMarker><NextPartNumberMarker>2</NextPartNumberMarker><MaxParts>1</MaxParts><IsTruncated>true</IsTruncated>');
  });

  it('answers 404 NoSuchUpload for an unknown upload id', async () => {
    const ctx = await context('GET', `/${BUCKET}/${KEY}?uploadId=ffff`);

    const { passedThrough } = await run(ctx);

    expect(passedThrough).toBe(false);
    expect(ctx.status).toBe(404);
    expect(String(ctx.body)).toMatch(/<Code>NoSuchUpload<\/Code>.*<UploadId>ffff<\/UploadId>/);
  });

  it('answers 404 NoSuchUpload when the upload id belongs to another key', async () => {
    const ctx = await context('GET', `/${BUCKET}/uploads/u-2/source?uploadId=${UPLOAD_ID}`);
    await run(ctx);
    expect(ctx.status).toBe(404);
  });

  it('never reads outside the store for an upload id that is a path', async () => {
    const ctx = await context('GET', `/${BUCKET}/${KEY}?uploadId=${encodeURIComponent('../../etc')}`);
    await run(ctx);
    expect(ctx.status).toBe(404);
  });
});

describe('s3rverAdapter: AbortMultipartUpload', () => {
  it('removes the upload and its parts and answers 204; a second abort is 404 NoSuchUpload', async () => {
    await putPart(1, 3);
    const ctx = await context('DELETE', `/${BUCKET}/${KEY}?uploadId=${UPLOAD_ID}&x-id=AbortMultipartUpload`);

    const { passedThrough } = await run(ctx);

    expect(passedThrough).toBe(false);
    expect(ctx.status).toBe(204);
    expect(await readdir(join(root, BUCKET, '._S3rver_uploads'))).toEqual([]);

    const again = await context('DELETE', `/${BUCKET}/${KEY}?uploadId=${UPLOAD_ID}`);
    await run(again);
    expect(again.status).toBe(404);
    expect(String(again.body)).toContain('<Code>NoSuchUpload</Code>');
  });
});

describe('s3rverAdapter: UploadPart and CompleteMultipartUpload', () => {
  it('passes an UploadPart for an upload in progress through to s3rver', async () => {
    const { passedThrough } = await run(await context('PUT', `/${BUCKET}/${KEY}?partNumber=1&uploadId=${UPLOAD_ID}`));
    expect(passedThrough).toBe(true);
  });

  it('answers 404 NoSuchUpload to an UploadPart after the upload was aborted (s3rver would store a stray part)', async () => {
    await run(await context('DELETE', `/${BUCKET}/${KEY}?uploadId=${UPLOAD_ID}`));
    const ctx = await context('PUT', `/${BUCKET}/${KEY}?partNumber=1&uploadId=${UPLOAD_ID}`);

    const { passedThrough } = await run(ctx);

    expect(passedThrough).toBe(false);
    expect(ctx.status).toBe(404);
  });

  it.each(['0', '10001', 'x', ''])('answers 400 InvalidArgument to part number "%s"', async (partNumber) => {
    const ctx = await context('PUT', `/${BUCKET}/${KEY}?partNumber=${partNumber}&uploadId=${UPLOAD_ID}`);

    const { passedThrough } = await run(ctx);

    expect(passedThrough).toBe(false);
    expect(ctx.status).toBe(400);
    expect(String(ctx.body)).toContain(`<Code>InvalidArgument</Code>`);
  });

  it('runs a CompleteMultipartUpload through s3rver inside the CompleteMultipartUpload operation context', async () => {
    const { passedThrough, operation } = await run(await context('POST', `/${BUCKET}/${KEY}?uploadId=${UPLOAD_ID}`));
    expect(passedThrough).toBe(true);
    expect(operation).toBe('CompleteMultipartUpload');
  });

  it('answers 404 NoSuchUpload to completing an unknown upload (s3rver would answer 500)', async () => {
    const ctx = await context('POST', `/${BUCKET}/${KEY}?uploadId=ffff`);
    const { passedThrough } = await run(ctx);
    expect(passedThrough).toBe(false);
    expect(ctx.status).toBe(404);
  });

  it('passes requests that are not multipart calls through untouched', async () => {
    const ctx = await context('GET', `/${BUCKET}/${KEY}`);
    const { passedThrough, operation } = await run(ctx);
    expect(passedThrough).toBe(true);
    expect(operation).toBeUndefined();
    expect(ctx.status).toBe(404);
  });
});

describe('s3rverAdapter: names that would leave the data folder', () => {
  it.each([
    ['PUT', `/${BUCKET}/..%2F..%2Fescaped`],
    ['PUT', `/${BUCKET}/x/../../../escaped`],
    ['DELETE', '/%2E%2E'],
    ['OPTIONS', `/${BUCKET}/../../escaped`],
  ])('answers %s %s with 400 InvalidArgument without reaching s3rver', async (method, url) => {
    const ctx = await context(method, url);

    const { passedThrough } = await run(ctx);

    expect(passedThrough).toBe(false);
    expect(ctx.status).toBe(400);
    expect(ctx.body).toContain('<Code>InvalidArgument</Code>');
  });

  it('checks an UploadPart whose key is not valid percent-encoding like any other: 404 NoSuchUpload, never s3rver', async () => {
    const ctx = await context('PUT', `/${BUCKET}/x%ZZ?uploadId=abc&partNumber=..%2F..%2F..%2Fpwned`);

    const { passedThrough } = await run(ctx);

    expect(passedThrough).toBe(false);
    expect(ctx.status).toBe(404);
  });

  it.each([
    ['partNumber', `partNumber=1&partNumber=..%2F..%2F..%2Fpwned`],
    ['uploadId', `partNumber=1&uploadId=..%2F..`],
  ])('answers an UploadPart with a repeated %s (s3rver would join the list onto a path) with 400 InvalidArgument', async (name, extra) => {
    const ctx = await context('PUT', `/${BUCKET}/${KEY}?uploadId=${UPLOAD_ID}&${extra}`);

    const { passedThrough } = await run(ctx);

    expect(passedThrough).toBe(false);
    expect(ctx.status).toBe(400);
    expect(ctx.body).toContain(`<ArgumentName>${name}</ArgumentName>`);
  });

  it('answers a copy whose source has a .. segment with 400 InvalidArgument', async () => {
    const ctx = await context('PUT', `/${BUCKET}/uploads/u-1/copy`, { 'x-amz-copy-source': `/${BUCKET}/..%2F..%2Fsecret` });

    const { passedThrough } = await run(ctx);

    expect(passedThrough).toBe(false);
    expect(ctx.status).toBe(400);
  });
});

describe('s3rverAdapter: conditional writes', () => {
  it('refuses a PUT with If-None-Match: * over an object that exists (412 PreconditionFailed), as S3 does, and lets one through where none exists', async () => {
    const path = `/${BUCKET}/uploads/u1/source`;
    const existing = await context('PUT', path, { 'content-length': '3', 'if-none-match': '*' });
    const exists = vi.fn(async () => true);
    const refused = await run(Object.assign(existing, { store: { getSubresource: vi.fn(async () => null), existsObject: exists } }));
    expect(refused.passedThrough).toBe(false);
    expect(existing.status).toBe(412);
    expect(String(existing.body)).toMatch(/<Code>PreconditionFailed<\/Code>/);
    expect(exists).toHaveBeenCalledWith(BUCKET, 'uploads/u1/source');

    const fresh = await context('PUT', path, { 'content-length': '3', 'if-none-match': '*' });
    expect((await run(Object.assign(fresh, { store: { getSubresource: vi.fn(async () => null), existsObject: vi.fn(async () => false) } }))).passedThrough).toBe(true);
  });
});

describe('s3rverAdapter: presigned URLs', () => {
  const s3 = new S3Client({ region: 'us-east-1', endpoint: 'http://127.0.0.1:4568', forcePathStyle: true, credentials: CREDENTIALS });
  const signedAt = new Date('2026-03-01T12:00:00Z');

  async function partUrl(): Promise<URL> {
    const command = new UploadPartCommand({ Bucket: BUCKET, Key: KEY, UploadId: UPLOAD_ID, PartNumber: 1, ContentLength: 3 });
    return new URL(await getSignedUrl(s3, command, { expiresIn: 60, signingDate: signedAt }));
  }

  it('passes a valid part URL through to s3rver', async () => {
    const url = await partUrl();
    const ctx = await context('PUT', url.pathname + url.search, { 'content-length': '3' }, { signed: false });
    const { passedThrough } = await run(ctx, new Date(signedAt.getTime() + 1000));
    expect(passedThrough).toBe(true);
  });

  it('answers an expired part URL with 403 AccessDenied XML before s3rver stores anything', async () => {
    const url = await partUrl();
    const ctx = await context('PUT', url.pathname + url.search, { 'content-length': '3' }, { signed: false });

    const { passedThrough } = await run(ctx, new Date(signedAt.getTime() + 61_000));

    expect(passedThrough).toBe(false);
    expect(ctx.status).toBe(403);
    expect(ctx.type).toBe('application/xml');
    expect(String(ctx.body)).toMatch(/<Code>AccessDenied<\/Code><Message>Request has expired<\/Message>/);
    expect(ctx.headers['x-amz-request-id']).toMatch(/^[0-9A-F]{16}$/);
  });

  it('adds the bucket CORS headers to an error for a browser, so the page can read the 403', async () => {
    const url = await partUrl();
    const ctx = await context('PUT', url.pathname + url.search, { 'content-length': '4', origin: 'http://localhost:5173' }, { signed: false });
    const matchRule = vi.fn(() => ({ hasWildcardOrigin: true, exposeHeaders: ['ETag'] }));
    const withStore = { ...ctx, store: { getSubresource: vi.fn(async () => ({ matchRule })), existsObject: vi.fn(async () => false) } };

    await run(withStore, new Date(signedAt.getTime() + 1000));

    expect(withStore.status).toBe(403);
    expect(matchRule).toHaveBeenCalledWith('http://localhost:5173', 'PUT');
    expect(ctx.headers).toMatchObject({ 'access-control-allow-origin': '*', 'access-control-expose-headers': 'ETag' });
  });

  it('lets a CORS preflight to a presigned URL through unchecked (browsers send no credentials)', async () => {
    const url = await partUrl();
    const ctx = await context('OPTIONS', url.pathname + url.search, { origin: 'http://localhost:5173' }, { signed: false });
    const { passedThrough } = await run(ctx, new Date(signedAt.getTime() + 3_600_000));
    expect(passedThrough).toBe(true);
  });
});

describe('s3rverAdapter: only signed requests reach s3rver, as with a private S3 bucket', () => {
  it.each([
    ['GET', `/${BUCKET}/${KEY}`],
    ['HEAD', `/${BUCKET}/${KEY}`],
    ['PUT', `/${BUCKET}/uploads/u-2/source`],
    ['DELETE', `/${BUCKET}/${KEY}`],
    ['GET', `/${BUCKET}?list-type=2&prefix=uploads/`],
    ['GET', `/${BUCKET}/${KEY}?uploadId=${UPLOAD_ID}`],
    ['DELETE', `/${BUCKET}/${KEY}?uploadId=${UPLOAD_ID}`],
    ['POST', `/${BUCKET}/${KEY}?uploads`],
    ['PUT', `/${MEDIA_BUCKET}/media/u-1/master.m3u8`],
    ['GET', `/${MEDIA_BUCKET}?list-type=2`],
    ['GET', `/${MEDIA_BUCKET}/media/u-1/master.m3u8?acl`],
  ])('answers an unsigned %s %s with 403 AccessDenied XML, without reaching s3rver', async (method, url) => {
    const ctx = await context(method, url, {}, { signed: false });

    const { passedThrough } = await run(ctx);

    expect(passedThrough).toBe(false);
    expect(ctx.status).toBe(403);
    expect(String(ctx.body)).toMatch(/<Code>AccessDenied<\/Code><Message>Access Denied<\/Message>/);
    expect(await readdir(join(root, BUCKET, '._S3rver_uploads'))).toHaveLength(1);
  });

  it.each(['GET', 'HEAD'])('lets an unsigned plain %s of an output through: the media bucket is public-read', async (method) => {
    const { passedThrough } = await run(await context(method, `/${MEDIA_BUCKET}/media/u-1/master.m3u8`, {}, { signed: false }));
    expect(passedThrough).toBe(true);
  });

  it('lets an unsigned CORS preflight through: browsers send no credentials with one', async () => {
    const ctx = await context('OPTIONS', `/${BUCKET}/${KEY}`, { origin: 'http://localhost:5173', 'access-control-request-method': 'PUT' }, { signed: false });
    expect((await run(ctx)).passedThrough).toBe(true);
  });

  it('answers a request signed with another secret with 403 SignatureDoesNotMatch', async () => {
    const url = `/${BUCKET}/${KEY}`;
    const headers = await signedHeaders('DELETE', url, {}, { ...CREDENTIALS, secretAccessKey: 'S3RVER' });
    const ctx = await context('DELETE', url, headers, { signed: false });

    const { passedThrough } = await run(ctx);

    expect(passedThrough).toBe(false);
    expect(ctx.status).toBe(403);
    expect(String(ctx.body)).toContain('<Code>SignatureDoesNotMatch</Code>');
  });

  it('answers a request with two signatures (header and query) with 400 InvalidArgument', async () => {
    const ctx = await context('GET', `/${BUCKET}/${KEY}?X-Amz-Algorithm=AWS4-HMAC-SHA256`);

    const { passedThrough } = await run(ctx);

    expect(passedThrough).toBe(false);
    expect(ctx.status).toBe(400);
    expect(String(ctx.body)).toContain('<Code>InvalidArgument</Code>');
  });

  it('answers SigV2 query authentication with 400 InvalidRequest', async () => {
    const ctx = await context('GET', `/${BUCKET}/${KEY}?AWSAccessKeyId=S3RVER&Expires=9999999999&Signature=abc`, {}, { signed: false });

    await run(ctx);

    expect(ctx.status).toBe(400);
    expect(String(ctx.body)).toContain('<Code>InvalidRequest</Code>');
  });
});
