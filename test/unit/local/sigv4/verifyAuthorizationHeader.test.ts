import { GetObjectCommand, ListObjectsV2Command, ListPartsCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { LOCAL_ACCESS_KEY_ID } from '../../../../local/localDefaults.js';
import type { ReceivedRequest } from '../../../../local/sigv4/sigV4Checks.js';
import { verifyAuthorizationHeader } from '../../../../local/sigv4/verifyAuthorizationHeader.js';
import { sentByS3Client } from '../../support/s3Signing.js';

const CREDENTIALS = { accessKeyId: LOCAL_ACCESS_KEY_ID, secretAccessKey: 'secret-made-for-this-data-folder' };
const BUCKET = 'media-pipeline-uploads';

async function verify(request: ReceivedRequest, now = new Date()) {
  return verifyAuthorizationHeader(request, String(request.headers.authorization), CREDENTIALS, now);
}

function withHeaders(request: ReceivedRequest, headers: Record<string, string | undefined>): ReceivedRequest {
  return { ...request, headers: { ...request.headers, ...headers } };
}

describe('verifyAuthorizationHeader', () => {
  it.each([
    ['GetObject', new GetObjectCommand({ Bucket: BUCKET, Key: 'uploads/u-1/source' })],
    ['GetObject of a key with spaces, unicode and reserved characters', new GetObjectCommand({ Bucket: BUCKET, Key: "uploads/a b+c/é ü!'()*~=&?.mp4" })],
    ['PutObject with metadata headers', new PutObjectCommand({ Bucket: BUCKET, Key: 'media/u-1/x.m3u8', Body: '#EXTM3U', ContentType: 'application/vnd.apple.mpegurl', Metadata: { note: 'hi' } })],
    ['ListObjectsV2 with a prefix', new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'uploads/u-1/source', MaxKeys: 1 })],
    ['ListParts with a marker', new ListPartsCommand({ Bucket: BUCKET, Key: 'uploads/u-1/source', UploadId: 'abc', PartNumberMarker: '3' })],
  ])('accepts what the SDK signs with the local key: %s', async (_name, command) => {
    const request = await sentByS3Client(CREDENTIALS, command);
    expect(request.headers.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=S3RVER\//);
    await expect(verify(request)).resolves.toBeUndefined();
  });

  it('refuses a request signed with another secret: 403 SignatureDoesNotMatch', async () => {
    const request = await sentByS3Client({ ...CREDENTIALS, secretAccessKey: 'S3RVER' }, new GetObjectCommand({ Bucket: BUCKET, Key: 'k' }));
    await expect(verify(request)).resolves.toMatchObject({ status: 403, code: 'SignatureDoesNotMatch', detail: { AWSAccessKeyId: 'S3RVER' } });
  });

  it('refuses another access key id: 403 InvalidAccessKeyId', async () => {
    const request = await sentByS3Client({ accessKeyId: 'AKIAOTHER', secretAccessKey: 'x' }, new GetObjectCommand({ Bucket: BUCKET, Key: 'k' }));
    await expect(verify(request)).resolves.toMatchObject({ status: 403, code: 'InvalidAccessKeyId', detail: { AWSAccessKeyId: 'AKIAOTHER' } });
  });

  it.each([
    ['another key', (request: ReceivedRequest) => ({ ...request, rawPath: request.rawPath.replace('/mine/', '/theirs/') })],
    ['another method', (request: ReceivedRequest) => ({ ...request, method: 'DELETE' })],
    ['another query', (request: ReceivedRequest) => ({ ...request, query: new URLSearchParams('list-type=2&prefix=uploads/') })],
    ['another host', (request: ReceivedRequest) => withHeaders(request, { host: '192.168.1.20:4568' })],
    ['a signed header removed', (request: ReceivedRequest) => withHeaders(request, { 'x-amz-user-agent': undefined })],
  ])('refuses a signed request replayed with %s: 403 SignatureDoesNotMatch', async (_change, change) => {
    const request = await sentByS3Client(CREDENTIALS, new GetObjectCommand({ Bucket: BUCKET, Key: 'uploads/mine/source' }));
    await expect(verify(change(request))).resolves.toMatchObject({ status: 403, code: 'SignatureDoesNotMatch' });
  });

  it('refuses an x-amz-* header added after signing (a copy source turns a PUT into a copy): 403 AccessDenied', async () => {
    const request = await sentByS3Client(CREDENTIALS, new PutObjectCommand({ Bucket: BUCKET, Key: 'uploads/mine/source', Body: 'x' }));
    const error = await verify(withHeaders(request, { 'x-amz-copy-source': `/${BUCKET}/uploads/theirs/source` }));
    expect(error).toEqual({
      status: 403,
      code: 'AccessDenied',
      message: 'There were headers present in the request which were not signed',
      detail: { HeadersNotSigned: 'x-amz-copy-source' },
    });
  });

  it('accepts a request within 15 minutes of its x-amz-date either way, and refuses one older or newer: 403 RequestTimeTooSkewed', async () => {
    const request = await sentByS3Client(CREDENTIALS, new GetObjectCommand({ Bucket: BUCKET, Key: 'k' }));
    const signedAt = Date.parse(String(request.headers['x-amz-date']).replace(/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/, '$1-$2-$3T$4:$5:$6Z'));
    const minutes = (n: number) => new Date(signedAt + n * 60_000);
    await expect(verify(request, minutes(15))).resolves.toBeUndefined();
    await expect(verify(request, minutes(-15))).resolves.toBeUndefined();
    await expect(verify(request, minutes(15.1))).resolves.toMatchObject({ status: 403, code: 'RequestTimeTooSkewed' });
    await expect(verify(request, minutes(-15.1))).resolves.toMatchObject({ status: 403, code: 'RequestTimeTooSkewed' });
  });

  it('refuses a request without x-amz-content-sha256 (S3 requires it): 400 InvalidRequest', async () => {
    const request = await sentByS3Client(CREDENTIALS, new GetObjectCommand({ Bucket: BUCKET, Key: 'k' }));
    await expect(verify(withHeaders(request, { 'x-amz-content-sha256': undefined }))).resolves.toMatchObject({ status: 400, code: 'InvalidRequest' });
  });

  it('refuses SigV2 and other schemes: 400 InvalidRequest naming AWS4-HMAC-SHA256', async () => {
    const request = await sentByS3Client(CREDENTIALS, new GetObjectCommand({ Bucket: BUCKET, Key: 'k' }));
    const error = await verifyAuthorizationHeader(request, 'AWS S3RVER:c2lnbmF0dXJl', CREDENTIALS);
    expect(error).toMatchObject({ status: 400, code: 'InvalidRequest', message: expect.stringContaining('Please use AWS4-HMAC-SHA256') });
  });

  it.each([
    ['no Signature', 'AWS4-HMAC-SHA256 Credential=S3RVER/20260301/us-east-1/s3/aws4_request, SignedHeaders=host'],
    ['a Credential of another shape', 'AWS4-HMAC-SHA256 Credential=S3RVER/us-east-1/s3, SignedHeaders=host, Signature=abc'],
  ])('refuses a header with %s: 400 AuthorizationHeaderMalformed', async (_what, header) => {
    const request = await sentByS3Client(CREDENTIALS, new GetObjectCommand({ Bucket: BUCKET, Key: 'k' }));
    await expect(verifyAuthorizationHeader(request, header, CREDENTIALS)).resolves.toMatchObject({ status: 400, code: 'AuthorizationHeaderMalformed' });
  });

  it('holds a request whose body was read whole (bodySha256) to those bytes: a declared hash that differs is 400 XAmzContentSHA256Mismatch', async () => {
    const request = await sentByS3Client(CREDENTIALS, new PutObjectCommand({ Bucket: BUCKET, Key: 'k', Body: 'signed bytes' }));
    const declared = String(request.headers['x-amz-content-sha256']);

    await expect(verify({ ...request, bodySha256: declared })).resolves.toBeUndefined();
    await expect(verify({ ...request, bodySha256: 'a'.repeat(64) })).resolves.toMatchObject({ status: 400, code: 'XAmzContentSHA256Mismatch' });
  });

  it('with a service, refuses a credential scoped to another: 403 naming the service', async () => {
    const request = await sentByS3Client(CREDENTIALS, new GetObjectCommand({ Bucket: BUCKET, Key: 'k' }));

    await expect(verifyAuthorizationHeader(request, String(request.headers.authorization), CREDENTIALS, new Date(), 's3')).resolves.toBeUndefined();
    await expect(verifyAuthorizationHeader(request, String(request.headers.authorization), CREDENTIALS, new Date(), 'events')).resolves.toMatchObject({
      status: 403,
      message: "Credential should be scoped to correct service: 'events'.",
    });
  });
});
