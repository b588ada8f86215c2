import { S3Client, type S3ClientConfig, UploadPartCommand } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { Hash } from '@smithy/hash-node';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { type PartToSign, presignParts } from '../../../../lambdas/shared/presignParts.js';

interface Credentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

const MiB = 1024 * 1024;
/** Thousands of runs through the SDK's own signer take seconds on a busy machine. */
const PROPERTY_TIMEOUT_MS = 120_000;

/** RFC 3986 escaping as the SDK's serializer applies it to each key segment. */
function escapeSegment(segment: string): string {
  return encodeURIComponent(segment).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function escapeKey(key: string): string {
  return key.split('/').map(escapeSegment).join('/');
}

/** The SDK's own formatting of a presigned request (formatUrl + buildQueryString): raw names sorted, RFC 3986 escaped. */
function formatPresigned(request: HttpRequest): string {
  const query = Object.keys(request.query)
    .sort()
    .map((name) => `${escapeSegment(name)}=${escapeSegment(String(request.query[name]))}`)
    .join('&');
  const port = request.port ? `:${request.port}` : '';
  return `${request.protocol}//${request.hostname}${port}${request.path}?${query}`;
}

/** The reference the fast path must equal: SignatureV4 configured as @aws-sdk/s3-request-presigner configures it. */
async function sdkPresign(args: {
  credentials: Credentials;
  region: string;
  protocol: string;
  hostname: string;
  port?: number;
  path: string;
  multipartUploadId: string;
  part: PartToSign;
  expiresIn: number;
  signingDate: Date;
}): Promise<string> {
  const signer = new SignatureV4({
    service: 's3',
    region: args.region,
    credentials: args.credentials,
    sha256: Hash.bind(null, 'sha256'),
    uriEscapePath: false,
    applyChecksum: false,
  });
  const host = args.port === undefined ? args.hostname : `${args.hostname}:${args.port}`;
  const request = new HttpRequest({
    method: 'PUT',
    protocol: args.protocol,
    hostname: args.hostname,
    port: args.port,
    path: args.path,
    query: { 'x-id': 'UploadPart', partNumber: String(args.part.partNumber), uploadId: args.multipartUploadId },
    headers: {
      host,
      'content-length': String(args.part.contentLength),
      // As S3RequestPresigner sets it; the signer hoists it into the query under this spelling.
      'X-Amz-Content-Sha256': 'UNSIGNED-PAYLOAD',
      ...(args.part.checksumCRC32C === undefined ? {} : { 'x-amz-checksum-crc32c': args.part.checksumCRC32C }),
    },
  });
  const presigned = await signer.presign(request, {
    expiresIn: args.expiresIn,
    signingDate: args.signingDate,
    signableHeaders: new Set(['content-length', 'x-amz-checksum-crc32c']),
    // S3 refuses a checksum hoisted into the query (the client sends it as a header), so it stays a signed header.
    unhoistableHeaders: new Set(['x-amz-checksum-crc32c']),
  });
  return formatPresigned(presigned as HttpRequest);
}

function client(credentials: Credentials, region: string, config: Partial<S3ClientConfig> = {}): S3Client {
  // The SDK tags the credentials object it is given; a copy keeps the generated value intact.
  return new S3Client({ region, credentials: { ...credentials }, ...config });
}

/**
 * Clients reused across property runs (one per region and configuration) whose credentials
 * are whatever the current run set: building a client per run would dominate the run time.
 * The identities are already expired, so the SDK's memoized provider asks again on every
 * call instead of caching the first run's.
 */
function reusableClients() {
  let current: Credentials = { accessKeyId: 'unset', secretAccessKey: 'unset' };
  const clients = new Map<string, S3Client>();
  return (credentials: Credentials, region: string, config: Partial<S3ClientConfig> = {}): S3Client => {
    current = credentials;
    const id = `${region} ${JSON.stringify(config)}`;
    let reused = clients.get(id);
    if (!reused) {
      reused = new S3Client({ region, credentials: async () => ({ ...current, expiration: new Date(0) }), ...config });
      clients.set(id, reused);
    }
    return reused;
  };
}

const keyUnit = fc.oneof(
  fc.constantFrom(' ', '+', '%', '~', '*', '/', '!', "'", '(', ')', '&', '=', '?', '#', ':', '@', ',', ';', '$', '.', '-', '_'),
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 }),
  fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 1 }),
);
const keyArb = fc.string({ unit: keyUnit, minLength: 1, maxLength: 60 });
/** Bucket names S3 serves virtual-hosted: DNS labels of lower-case letters and digits joined by single hyphens. */
const hostableBucketArb = fc
  .array(fc.stringMatching(/^[a-z0-9]{1,12}$/), { minLength: 1, maxLength: 4 })
  .map((labels) => labels.join('-'))
  .filter((name) => name.length >= 3 && name.length <= 63 && !/^\d+$/.test(name));
const anyBucketArb = fc.oneof(
  hostableBucketArb,
  fc.tuple(hostableBucketArb, hostableBucketArb).map(([a, b]) => `${a}.${b}`),
);
const regionArb = fc.constantFrom('us-east-1', 'eu-west-1', 'eu-central-2', 'ap-southeast-2', 'sa-east-1', 'ca-central-1');
const credentialsArb: fc.Arbitrary<Credentials> = fc.record(
  {
    accessKeyId: fc.stringMatching(/^(AKIA|ASIA)[A-Z0-9]{16}$/),
    secretAccessKey: fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 40 }),
    sessionToken: fc.string({ unit: fc.constantFrom('a', 'Z', '0', '/', '+', '=', '%'), minLength: 1, maxLength: 300 }),
  },
  { requiredKeys: ['accessKeyId', 'secretAccessKey'] },
);
const uploadIdArb = fc.string({ unit: fc.constantFrom('a', 'Z', '9', '.', '_', '-', '/', '+', '=', '~'), minLength: 1, maxLength: 80 });
const partArb: fc.Arbitrary<PartToSign> = fc.record({
  partNumber: fc.integer({ min: 1, max: 10_000 }),
  contentLength: fc.integer({ min: 0, max: 5 * 1024 * MiB }),
});
const expiryArb = fc.integer({ min: 1, max: 604_800 });
const dateArb = fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2099-12-31T23:59:59Z'), noInvalidDate: true });

describe('presignParts', () => {
  it('produces, for every generated input, exactly the URL SignatureV4.presign gives on AWS (virtual-hosted)', async () => {
    const clientFor = reusableClients();
    await fc.assert(
      fc.asyncProperty(
        credentialsArb,
        regionArb,
        hostableBucketArb,
        keyArb,
        uploadIdArb,
        fc.array(partArb, { minLength: 1, maxLength: 8 }),
        expiryArb,
        dateArb,
        async (credentials, region, bucket, key, multipartUploadId, parts, expiresIn, signingDate) => {
          const signed = await presignParts(
            { bucket, key, multipartUploadId, parts, expiresInSeconds: expiresIn },
            { client: clientFor(credentials, region), signingDate },
          );
          const expected = await Promise.all(
            parts.map((part) =>
              sdkPresign({
                credentials,
                region,
                protocol: 'https:',
                hostname: `${bucket}.s3.${region}.amazonaws.com`,
                path: `/${escapeKey(key)}`,
                multipartUploadId,
                part,
                expiresIn,
                signingDate,
              }),
            ),
          );
          expect(signed).toEqual(parts.map((part, index) => ({ partNumber: part.partNumber, url: expected[index] })));
        },
      ),
      { numRuns: 600 },
    );
  }, PROPERTY_TIMEOUT_MS);

  it('produces exactly the URL SignatureV4.presign gives against a path-style local endpoint', async () => {
    const clientFor = reusableClients();
    await fc.assert(
      fc.asyncProperty(
        credentialsArb,
        anyBucketArb,
        keyArb,
        uploadIdArb,
        fc.array(partArb, { minLength: 1, maxLength: 4 }),
        expiryArb,
        dateArb,
        fc.constantFrom(4569, 9000, 65_535),
        async (credentials, bucket, key, multipartUploadId, parts, expiresIn, signingDate, port) => {
          const local = clientFor(credentials, 'eu-west-1', {
            endpoint: `http://127.0.0.1:${port}`,
            forcePathStyle: true,
            requestChecksumCalculation: 'WHEN_REQUIRED',
          });
          const signed = await presignParts(
            { bucket, key, multipartUploadId, parts, expiresInSeconds: expiresIn },
            { client: local, signingDate },
          );
          const expected = await Promise.all(
            parts.map((part) =>
              sdkPresign({
                credentials,
                region: 'eu-west-1',
                protocol: 'http:',
                hostname: '127.0.0.1',
                port,
                path: `/${bucket}/${escapeKey(key)}`,
                multipartUploadId,
                part,
                expiresIn,
                signingDate,
              }),
            ),
          );
          expect(signed.map((part) => part.url)).toEqual(expected);
        },
      ),
      { numRuns: 600 },
    );
  }, PROPERTY_TIMEOUT_MS);

  it("equals getSignedUrl(UploadPartCommand) without flexible checksums, whatever endpoint rules the client's region and bucket pick", async () => {
    const clientFor = reusableClients();
    await fc.assert(
      fc.asyncProperty(
        credentialsArb,
        fc.constantFrom('us-east-1', 'eu-west-1', 'cn-north-1', 'us-gov-west-1', 'ap-northeast-3'),
        anyBucketArb,
        keyArb,
        uploadIdArb,
        partArb,
        expiryArb,
        dateArb,
        async (credentials, region, bucket, key, multipartUploadId, part, expiresIn, signingDate) => {
          const s3 = clientFor(credentials, region, { requestChecksumCalculation: 'WHEN_REQUIRED' });
          const [signed] = await presignParts(
            { bucket, key, multipartUploadId, parts: [part], expiresInSeconds: expiresIn },
            { client: s3, signingDate },
          );
          const expected = await getSignedUrl(
            s3,
            new UploadPartCommand({
              Bucket: bucket,
              Key: key,
              UploadId: multipartUploadId,
              PartNumber: part.partNumber,
              ContentLength: part.contentLength,
            }),
            { expiresIn, signingDate },
          );
          expect(signed?.url).toBe(expected);
        },
      ),
      { numRuns: 200 },
    );
  }, PROPERTY_TIMEOUT_MS);

  it('leaves the length unsigned when the parts carry none: exactly getSignedUrl(UploadPartCommand) without ContentLength', async () => {
    const clientFor = reusableClients();
    await fc.assert(
      fc.asyncProperty(
        credentialsArb,
        fc.constantFrom('us-east-1', 'eu-west-1'),
        anyBucketArb,
        keyArb,
        uploadIdArb,
        partArb,
        expiryArb,
        dateArb,
        async (credentials, region, bucket, key, multipartUploadId, part, expiresIn, signingDate) => {
          const s3 = clientFor(credentials, region, { requestChecksumCalculation: 'WHEN_REQUIRED' });
          const [signed] = await presignParts(
            { bucket, key, multipartUploadId, parts: [{ partNumber: part.partNumber }], expiresInSeconds: expiresIn },
            { client: s3, signingDate },
          );
          const expected = await getSignedUrl(
            s3,
            new UploadPartCommand({ Bucket: bucket, Key: key, UploadId: multipartUploadId, PartNumber: part.partNumber }),
            { expiresIn, signingDate },
          );
          expect(signed?.url).toBe(expected);
          expect(signed?.url).toContain('X-Amz-SignedHeaders=host&');
        },
      ),
      { numRuns: 100 },
    );
  }, PROPERTY_TIMEOUT_MS);

  it('refuses a mix of parts with and without a length', async () => {
    const s3 = client({ accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' }, 'eu-west-1');
    await expect(
      presignParts(
        { bucket: 'b', key: 'k', multipartUploadId: 'm', parts: [{ partNumber: 1, contentLength: 5 }, { partNumber: 2 }], expiresInSeconds: 60 },
        { client: s3 },
      ),
    ).rejects.toThrow('Either every part to sign has a contentLength or none has');
  });

  it('puts no flexible-checksum parameters in the URL, even with the SDK default checksum setting', async () => {
    const s3 = client({ accessKeyId: 'AKIAEXAMPLE000000000', secretAccessKey: 'secret' }, 'eu-west-1');
    const [signed] = await presignParts({
      bucket: 'media-uploads',
      key: 'uploads/0b0e0c0d-1111-4222-8333-444455556666/source',
      multipartUploadId: 'mpu-1',
      parts: [{ partNumber: 1, contentLength: 8 * MiB }],
      expiresInSeconds: 900,
    }, { client: s3 });

    const url = new URL(signed?.url ?? '');
    expect([...url.searchParams.keys()].filter((name) => /checksum/i.test(name))).toEqual([]);
    expect(url.searchParams.get('X-Amz-SignedHeaders')).toBe('content-length;host');
    expect(url.searchParams.get('X-Amz-Content-Sha256')).toBe('UNSIGNED-PAYLOAD');
    expect(url.searchParams.has('X-Amz-Security-Token')).toBe(false);
  });

  it('signs each part\'s CRC-32C as the x-amz-checksum-crc32c header, exactly as SignatureV4.presign does with it unhoisted', async () => {
    const credentials = { accessKeyId: 'AKIAEXAMPLE000000000', secretAccessKey: 'secret' };
    const signingDate = new Date('2026-11-28T10:00:00Z');
    const parts = [
      { partNumber: 1, contentLength: 8 * MiB, checksumCRC32C: 'yZRlqg==' },
      { partNumber: 7, contentLength: 5, checksumCRC32C: 'AAAAAA==' },
    ];
    const signed = await presignParts(
      { bucket: 'media-uploads', key: 'uploads/u-1/source', multipartUploadId: 'mpu-1', parts, expiresInSeconds: 900 },
      { client: client(credentials, 'eu-west-1'), signingDate },
    );
    const expected = await Promise.all(
      parts.map((part) =>
        sdkPresign({
          credentials,
          region: 'eu-west-1',
          protocol: 'https:',
          hostname: 'media-uploads.s3.eu-west-1.amazonaws.com',
          path: '/uploads/u-1/source',
          multipartUploadId: 'mpu-1',
          part,
          expiresIn: 900,
          signingDate,
        }),
      ),
    );
    expect(signed.map((part) => part.url)).toEqual(expected);
    expect(new URL(signed[0]!.url).searchParams.get('X-Amz-SignedHeaders')).toBe('content-length;host;x-amz-checksum-crc32c');
  });

  it('refuses a checksum that is not 4 bytes in base64, and a mix of parts with and without one', async () => {
    const input = { bucket: 'b', key: 'k', multipartUploadId: 'm', expiresInSeconds: 60 };
    await expect(presignParts({ ...input, parts: [{ partNumber: 1, checksumCRC32C: 'yZRlqh==' }] })).rejects.toThrow(/4 bytes in base64/);
    await expect(presignParts({ ...input, parts: [{ partNumber: 1, checksumCRC32C: 'yZRlqg==' }, { partNumber: 2 }] })).rejects.toThrow(
      'Either every part to sign has a checksumCRC32C or none has',
    );
  });

  it('carries the session token of temporary credentials as X-Amz-Security-Token', async () => {
    const s3 = client({ accessKeyId: 'ASIAEXAMPLE000000000', secretAccessKey: 'secret', sessionToken: 'token/with+chars=' }, 'eu-west-1');
    const [signed] = await presignParts(
      { bucket: 'media-uploads', key: 'k', multipartUploadId: 'mpu-1', parts: [{ partNumber: 2, contentLength: 1 }], expiresInSeconds: 60 },
      { client: s3 },
    );

    expect(new URL(signed?.url ?? '').searchParams.get('X-Amz-Security-Token')).toBe('token/with+chars=');
  });

  it('signs with the new credentials once the old ones near expiry and the provider rotates them', async () => {
    const start = new Date('2026-03-01T10:00:00Z');
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(start);
    try {
      const first = { accessKeyId: 'ASIAFIRST00000000000', secretAccessKey: 'first-secret', sessionToken: 'first-token', expiration: new Date(start.getTime() + 10 * 60_000) };
      const second = { accessKeyId: 'ASIASECOND0000000000', secretAccessKey: 'second-secret', sessionToken: 'second-token', expiration: new Date(start.getTime() + 60 * 60_000) };
      const provider = vi.fn().mockResolvedValueOnce(first).mockResolvedValueOnce(second);
      const s3 = new S3Client({ region: 'eu-west-1', credentials: provider });
      const part = { partNumber: 1, contentLength: 5 * MiB };
      const input = { bucket: 'media-uploads', key: 'k', multipartUploadId: 'mpu-1', parts: [part], expiresInSeconds: 900 };

      const [before] = await presignParts(input, { client: s3, signingDate: start });
      // Within five minutes of expiry the SDK's memoized provider fetches fresh credentials.
      vi.setSystemTime(start.getTime() + 6 * 60_000);
      const [after] = await presignParts(input, { client: s3, signingDate: start });

      const credentialOf = (url: string | undefined) => new URL(url ?? '').searchParams.get('X-Amz-Credential');
      expect(credentialOf(before?.url)).toBe('ASIAFIRST00000000000/20260301/eu-west-1/s3/aws4_request');
      expect(credentialOf(after?.url)).toBe('ASIASECOND0000000000/20260301/eu-west-1/s3/aws4_request');
      expect(after?.url).toBe(
        await sdkPresign({
          credentials: second,
          region: 'eu-west-1',
          protocol: 'https:',
          hostname: 'media-uploads.s3.eu-west-1.amazonaws.com',
          path: '/k',
          multipartUploadId: 'mpu-1',
          part,
          expiresIn: 900,
          signingDate: start,
        }),
      );
    } finally {
      vi.useRealTimers();
    }
  });

  it('resolves credentials and the endpoint once per call, not once per part', async () => {
    const s3 = client({ accessKeyId: 'AKIAEXAMPLE000000000', secretAccessKey: 'secret' }, 'eu-west-1');
    const credentials = vi.spyOn(s3.config, 'credentials');
    const endpointProvider = vi.spyOn(s3.config, 'endpointProvider');
    const parts = Array.from({ length: 50 }, (_, index) => ({ partNumber: index + 1, contentLength: 8 * MiB }));

    const signed = await presignParts({ bucket: 'media-uploads', key: 'k', multipartUploadId: 'mpu-1', parts, expiresInSeconds: 900 }, { client: s3 });

    expect(signed.map((part) => part.partNumber)).toEqual(parts.map((part) => part.partNumber));
    expect(new Set(signed.map((part) => part.url)).size).toBe(50);
    expect(credentials).toHaveBeenCalledTimes(1);
    expect(endpointProvider).toHaveBeenCalledTimes(1);
  });

  it('signs for the shared client by default: its region, credentials and virtual-hosted endpoint', async () => {
    const [signed] = await presignParts({
      bucket: 'media-uploads',
      key: 'uploads/0b0e0c0d-1111-4222-8333-444455556666/source',
      multipartUploadId: 'mpu-1',
      parts: [{ partNumber: 7, contentLength: 123 }],
      expiresInSeconds: 900,
    });

    const url = new URL(signed?.url ?? '');
    expect(url.origin).toBe(`https://media-uploads.s3.${process.env.AWS_REGION}.amazonaws.com`);
    expect(url.searchParams.get('X-Amz-Credential')).toMatch(new RegExp(`^${process.env.AWS_ACCESS_KEY_ID}/\\d{8}/${process.env.AWS_REGION}/s3/aws4_request$`));
    expect(url.searchParams.get('partNumber')).toBe('7');
  });

  it('returns no URLs for no parts without resolving anything', async () => {
    const s3 = client({ accessKeyId: 'AKIAEXAMPLE000000000', secretAccessKey: 'secret' }, 'eu-west-1');
    const credentials = vi.spyOn(s3.config, 'credentials');

    await expect(presignParts({ bucket: 'b-1', key: 'k', multipartUploadId: 'm', parts: [], expiresInSeconds: 900 }, { client: s3 })).resolves.toEqual([]);
    expect(credentials).not.toHaveBeenCalled();
  });

  it.each([
    ['an expiry of 0 seconds', { expiresInSeconds: 0 }, /expiresInSeconds/],
    ['an expiry over a week', { expiresInSeconds: 604_801 }, /expiresInSeconds/],
    ['a fractional expiry', { expiresInSeconds: 1.5 }, /expiresInSeconds/],
    ['part number 0', { parts: [{ partNumber: 0, contentLength: 1 }] }, /partNumber/],
    ['part number 10001', { parts: [{ partNumber: 10_001, contentLength: 1 }] }, /partNumber/],
    ['a negative content length', { parts: [{ partNumber: 1, contentLength: -1 }] }, /contentLength/],
  ])('refuses %s', async (_name, override, message) => {
    const input = { bucket: 'b-1', key: 'k', multipartUploadId: 'm', parts: [{ partNumber: 1, contentLength: 1 }], expiresInSeconds: 900, ...override };
    await expect(presignParts(input)).rejects.toThrow(message);
  });
});
