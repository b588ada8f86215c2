import { GetObjectCommand, S3Client, UploadPartCommand } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { describe, expect, it } from 'vitest';
import { LOCAL_ACCESS_KEY_ID } from '../../../../local/localDefaults.js';
import { type PresignedRequest, verifyPresignedUrl } from '../../../../local/s3/verifyPresignedUrl.js';

/** Local mode's key pair as one data folder has it: s3rver's key id and a secret made for the folder. */
const CREDENTIALS = { accessKeyId: LOCAL_ACCESS_KEY_ID, secretAccessKey: 'secret-made-for-this-data-folder' };

const s3 = new S3Client({
  region: 'us-east-1',
  endpoint: 'http://127.0.0.1:4568',
  forcePathStyle: true,
  credentials: CREDENTIALS,
  requestChecksumCalculation: 'WHEN_REQUIRED',
});
const signedAt = new Date('2026-03-01T12:00:00Z');
const PART_BYTES = 5 * 1024 * 1024;

async function partUrl(options: { key?: string; contentLength?: number; expiresIn?: number } = {}): Promise<URL> {
  const command = new UploadPartCommand({
    Bucket: 'media-pipeline-uploads',
    Key: options.key ?? 'uploads/u-1/source',
    UploadId: 'abc123',
    PartNumber: 2,
    ContentLength: options.contentLength ?? PART_BYTES,
  });
  return new URL(await getSignedUrl(s3, command, { expiresIn: options.expiresIn ?? 900, signingDate: signedAt }));
}

/** The request a client sends to the URL, as the adapter sees it. */
function requestTo(url: URL, headers: Record<string, string> = {}, method = 'PUT'): PresignedRequest {
  return {
    method,
    rawPath: url.pathname,
    query: url.searchParams,
    headers: { host: url.host, 'content-length': String(PART_BYTES), 'user-agent': 'curl/8', ...headers },
  };
}

const seconds = (n: number) => new Date(signedAt.getTime() + n * 1000);

describe('verifyPresignedUrl', () => {
  it('accepts a part URL signed by the SDK, used within its lifetime with the signed Content-Length', async () => {
    const url = await partUrl();
    await expect(verifyPresignedUrl(requestTo(url), CREDENTIALS, seconds(60))).resolves.toBeUndefined();
  });

  it('accepts a key with characters the SDK percent-encodes in the path', async () => {
    const url = await partUrl({ key: 'uploads/a b(1)+ü/source' });
    await expect(verifyPresignedUrl(requestTo(url), CREDENTIALS, seconds(1))).resolves.toBeUndefined();
  });

  it('accepts a presigned GET that signs only the host', async () => {
    const url = new URL(
      await getSignedUrl(s3, new GetObjectCommand({ Bucket: 'media-pipeline-media', Key: 'media/u-1/poster.jpg' }), { signingDate: signedAt }),
    );
    const request = { ...requestTo(url, {}, 'GET'), headers: { host: url.host, range: 'bytes=0-99' } };
    await expect(verifyPresignedUrl(request, CREDENTIALS, seconds(1))).resolves.toBeUndefined();
  });

  it('rejects a URL used after X-Amz-Date + X-Amz-Expires with 403 AccessDenied "Request has expired"', async () => {
    const url = await partUrl({ expiresIn: 60 });
    await expect(verifyPresignedUrl(requestTo(url), CREDENTIALS, seconds(60))).resolves.toBeUndefined();
    await expect(verifyPresignedUrl(requestTo(url), CREDENTIALS, seconds(61))).resolves.toEqual({
      status: 403,
      code: 'AccessDenied',
      message: 'Request has expired',
      detail: { 'X-Amz-Expires': '60', Expires: '2026-03-01T12:01:00Z', ServerTime: '2026-03-01T12:01:01Z' },
    });
  });

  it('rejects a URL whose X-Amz-Expires was raised after signing with 403 SignatureDoesNotMatch', async () => {
    const url = await partUrl({ expiresIn: 60 });
    url.searchParams.set('X-Amz-Expires', '3600');
    const error = await verifyPresignedUrl(requestTo(url), CREDENTIALS, seconds(120));
    expect(error).toMatchObject({ status: 403, code: 'SignatureDoesNotMatch' });
  });

  it.each([
    ['another part number', (url: URL) => url.searchParams.set('partNumber', '3')],
    ['another upload id', (url: URL) => url.searchParams.set('uploadId', 'other')],
    ['another key', (url: URL) => (url.pathname = url.pathname.replace('u-1', 'u-2'))],
    ['an extra query parameter', (url: URL) => url.searchParams.set('versionId', '1')],
    ['a changed signature', (url: URL) => url.searchParams.set('X-Amz-Signature', '0'.repeat(64))],
    ['a changed X-Amz-Date', (url: URL) => url.searchParams.set('X-Amz-Date', '20260301T120001Z')],
  ])('rejects a URL tampered with (%s) with 403 SignatureDoesNotMatch', async (_case, tamper) => {
    const url = await partUrl();
    tamper(url);
    const error = await verifyPresignedUrl(requestTo(url), CREDENTIALS, seconds(5));
    expect(error).toMatchObject({ status: 403, code: 'SignatureDoesNotMatch' });
  });

  it('rejects a body of another size than the signed Content-Length with 403 SignatureDoesNotMatch', async () => {
    const url = await partUrl({ contentLength: PART_BYTES });
    const error = await verifyPresignedUrl(requestTo(url, { 'content-length': String(PART_BYTES + 1) }), CREDENTIALS, seconds(5));
    expect(error).toMatchObject({ status: 403, code: 'SignatureDoesNotMatch' });
  });

  it('rejects a request that leaves out a signed header (chunked instead of Content-Length)', async () => {
    const url = await partUrl();
    const request = requestTo(url);
    const { 'content-length': _omitted, ...headers } = request.headers;
    const error = await verifyPresignedUrl({ ...request, headers: { ...headers, 'transfer-encoding': 'chunked' } }, CREDENTIALS, seconds(5));
    expect(error).toMatchObject({ status: 403, code: 'SignatureDoesNotMatch' });
  });

  it('rejects a URL sent to another host than the one signed', async () => {
    const url = await partUrl();
    const error = await verifyPresignedUrl(requestTo(url, { host: '192.168.1.20:4568' }), CREDENTIALS, seconds(5));
    expect(error).toMatchObject({ status: 403, code: 'SignatureDoesNotMatch' });
  });

  it('rejects a URL signed with another secret key', async () => {
    const url = await partUrl();
    const error = await verifyPresignedUrl(requestTo(url), { accessKeyId: CREDENTIALS.accessKeyId, secretAccessKey: 'other' }, seconds(5));
    expect(error).toMatchObject({ status: 403, code: 'SignatureDoesNotMatch' });
  });

  it('rejects an unknown access key id with 403 InvalidAccessKeyId', async () => {
    const url = await partUrl();
    url.searchParams.set('X-Amz-Credential', url.searchParams.get('X-Amz-Credential')!.replace('S3RVER', 'AKIAOTHER'));
    await expect(verifyPresignedUrl(requestTo(url), CREDENTIALS, seconds(5))).resolves.toEqual({
      status: 403,
      code: 'InvalidAccessKeyId',
      message: 'The AWS Access Key Id you provided does not exist in our records.',
      detail: { AWSAccessKeyId: 'AKIAOTHER' },
    });
  });

  it('rejects a URL missing one of the SigV4 query parameters with 400 AuthorizationQueryParametersError', async () => {
    const url = await partUrl();
    url.searchParams.delete('X-Amz-Expires');
    const error = await verifyPresignedUrl(requestTo(url), CREDENTIALS, seconds(5));
    expect(error).toMatchObject({ status: 400, code: 'AuthorizationQueryParametersError' });
  });

  it('rejects an X-Amz-Expires over a week with 400 AuthorizationQueryParametersError naming the value', async () => {
    const url = await partUrl();
    url.searchParams.set('X-Amz-Expires', '604801');
    const error = await verifyPresignedUrl(requestTo(url), CREDENTIALS, seconds(5));
    expect(error).toMatchObject({ status: 400, code: 'AuthorizationQueryParametersError', message: expect.stringContaining('604801') });
  });

  it('rejects a URL dated more than 15 minutes ahead of the clock as not valid yet', async () => {
    const url = await partUrl();
    const error = await verifyPresignedUrl(requestTo(url), CREDENTIALS, seconds(-16 * 60));
    expect(error).toEqual({ status: 403, code: 'AccessDenied', message: 'Request is not valid yet' });
  });
});
