/**
 * Part-URL signing for a 10 GiB file cut into 10 MiB parts (1,024 parts), four ways, in one run:
 *
 *   1. naive:        getSignedUrl(UploadPartCommand) once per part (resolves the endpoint and
 *                    runs the whole middleware stack for every URL: aws-sdk-js-v3 #5723)
 *   2. SignatureV4:  SignatureV4.presign per part with the endpoint resolved once
 *   3. presignParts: the pipeline's signer (endpoint, credentials and signing key once per call)
 *   4. handler:      POST /uploads end to end through the middy handler (validation, part plan,
 *                    CreateMultipartUpload, record write, 1,024 URLs), with S3 and DynamoDB
 *                    stubbed in-process by aws-sdk-client-mock
 *
 *   npx tsx bench/createUpload.ts [--runs 30] [--naive-runs 5]
 *
 * No network: fake temporary credentials and a region are set below, and nothing is sent.
 */
import { parseArgs } from 'node:util';

const { values: args } = parseArgs({
  options: { runs: { type: 'string', default: '30' }, 'naive-runs': { type: 'string', default: '5' } },
});
const RUNS = Number(args.runs);
const NAIVE_RUNS = Number(args['naive-runs']);

const MiB = 1024 * 1024;
const FILE_SIZE = 10 * 1024 * MiB;
const PART_SIZE = 10 * MiB;
const PART_COUNT = FILE_SIZE / PART_SIZE;
const EXPIRES_IN = 900;
const BUCKET = 'bench-uploads';

// Lambda-like settings, fixed before the pipeline's modules read them at import.
Object.assign(process.env, {
  AWS_REGION: 'eu-west-1',
  AWS_ACCESS_KEY_ID: 'ASIABENCHMARK0000000',
  AWS_SECRET_ACCESS_KEY: 'bench-secret-key-000000000000000000000000',
  AWS_SESSION_TOKEN: `IQoJb3JpZ2luX2VjE${'x'.repeat(600)}`,
  UPLOADS_TABLE: 'bench-uploads-table',
  USAGE_TABLE: 'bench-usage-table',
  UPLOADS_BUCKET: BUCKET,
  // One response carries all 1,024 URLs, so the handler signs as many as the other three.
  UPLOAD_POLICY: JSON.stringify({ maxPartUrlsPerResponse: PART_COUNT }),
  POWERTOOLS_LOG_LEVEL: 'ERROR',
});

const { CreateMultipartUploadCommand, S3Client, UploadPartCommand } = await import('@aws-sdk/client-s3');
const { DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } = await import('@aws-sdk/lib-dynamodb');
const { getSignedUrl } = await import('@aws-sdk/s3-request-presigner');
const { Hash } = await import('@smithy/hash-node');
const { HttpRequest } = await import('@smithy/protocol-http');
const { SignatureV4 } = await import('@smithy/signature-v4');
const { mockClient } = await import('aws-sdk-client-mock');
const { handler } = await import('../lambdas/create-upload/handler.js');
const { presignParts } = await import('../lambdas/shared/presignParts.js');
const { uriEscape } = await import('../lambdas/shared/signing/sigV4.js');
const { s3 } = await import('../lambdas/shared/s3.js');

const key = 'uploads/7d1f0c2a-4b3e-4f5a-8c6d-9e0f1a2b3c4d/source';
const multipartUploadId = 'VXBsb2FkIElEIGZvciBlbHZpbmcncyBteS1tb3ZpZS5tMnRzIHVwbG9hZA';
const parts = Array.from({ length: PART_COUNT }, (_, index) => ({ partNumber: index + 1, contentLength: PART_SIZE }));

function median(samples: readonly number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

async function measure(runs: number, run: () => Promise<number>): Promise<{ ms: number; urls: number }> {
  const urls = await run(); // warm-up: module caches, JIT, memoized credentials
  const samples: number[] = [];
  for (let index = 0; index < runs; index += 1) {
    const start = performance.now();
    await run();
    samples.push(performance.now() - start);
  }
  return { ms: median(samples), urls };
}

async function naive(): Promise<number> {
  for (const part of parts) {
    await getSignedUrl(
      s3,
      new UploadPartCommand({ Bucket: BUCKET, Key: key, UploadId: multipartUploadId, PartNumber: part.partNumber, ContentLength: part.contentLength }),
      { expiresIn: EXPIRES_IN },
    );
  }
  return parts.length;
}

const signer = new SignatureV4({
  service: 's3',
  region: process.env.AWS_REGION as string,
  credentials: s3.config.credentials,
  sha256: Hash.bind(null, 'sha256'),
  uriEscapePath: false,
  applyChecksum: false,
});
const hostname = `${BUCKET}.s3.${process.env.AWS_REGION}.amazonaws.com`;

async function signatureV4Urls(signingDate: Date): Promise<string[]> {
  const urls: string[] = [];
  for (const part of parts) {
    const request = new HttpRequest({
      method: 'PUT',
      protocol: 'https:',
      hostname,
      path: `/${key}`,
      query: { 'x-id': 'UploadPart', partNumber: String(part.partNumber), uploadId: multipartUploadId },
      headers: { host: hostname, 'content-length': String(part.contentLength), 'X-Amz-Content-Sha256': 'UNSIGNED-PAYLOAD' },
    });
    const signed = await signer.presign(request, { expiresIn: EXPIRES_IN, signingDate, signableHeaders: new Set(['content-length']) });
    const signedQuery = signed.query ?? {};
    // Formatted as the SDK's formatUrl does: names sorted, RFC 3986 escaping.
    const query = Object.keys(signedQuery)
      .sort()
      .map((name) => `${uriEscape(name)}=${uriEscape(String(signedQuery[name]))}`)
      .join('&');
    urls.push(`https://${hostname}${signed.path}?${query}`);
  }
  return urls;
}

async function fast(signingDate = new Date()): Promise<string[]> {
  const signed = await presignParts({ bucket: BUCKET, key, multipartUploadId, parts, expiresInSeconds: EXPIRES_IN }, { signingDate });
  return signed.map((part) => part.url);
}

const s3Stub = mockClient(S3Client);
const dynamoStub = mockClient(DynamoDBDocumentClient);
s3Stub.on(CreateMultipartUploadCommand).resolves({ UploadId: multipartUploadId });
dynamoStub.on(PutCommand).resolves({});
// The reservation: a user without usage so far, whose first upload it is, on every run.
dynamoStub.on(GetCommand).resolves({});
dynamoStub.on(UpdateCommand).resolves({});
const event = {
  version: '2.0',
  routeKey: 'POST /uploads',
  rawPath: '/uploads',
  rawQueryString: '',
  headers: { 'content-type': 'application/json' },
  isBase64Encoded: false,
  body: JSON.stringify({ filename: 'my-movie.m2ts', contentType: 'video/mp4', size: FILE_SIZE, partSize: PART_SIZE }),
  requestContext: { authorizer: { jwt: { claims: { sub: 'bench-user' }, scopes: null } } },
} as unknown as Parameters<typeof handler>[0];

async function endToEnd(): Promise<number> {
  const response = (await handler(event, {} as Parameters<typeof handler>[1])) as { statusCode: number; body: string };
  if (response.statusCode !== 201) throw new Error(`create-upload answered ${response.statusCode}: ${response.body}`);
  return (JSON.parse(response.body) as { parts: unknown[] }).parts.length;
}

// The fast path must be the same bytes as the SDK's signer before its speed means anything.
const checkDate = new Date();
const [reference, ours] = await Promise.all([signatureV4Urls(checkDate), fast(checkDate)]);
const identical = reference.length === ours.length && reference.every((url, index) => url === ours[index]);
if (!identical) throw new Error('presignParts URLs differ from SignatureV4.presign URLs');

const results = {
  naive: await measure(NAIVE_RUNS, naive),
  signatureV4: await measure(RUNS, async () => (await signatureV4Urls(new Date())).length),
  presignParts: await measure(RUNS, async () => (await fast()).length),
  handler: await measure(RUNS, endToEnd),
};

const row = (name: string, { ms, urls }: { ms: number; urls: number }, runs: number) =>
  `${name.padEnd(44)} ${ms.toFixed(2).padStart(9)} ms  ${Math.round((urls / ms) * 1000).toLocaleString('en-US').padStart(11)} URLs/s  (median of ${runs}, ${urls} URLs)`;

console.log(`create-upload signing: 10 GiB file, ${PART_SIZE / MiB} MiB parts -> ${PART_COUNT} part URLs (Node ${process.version})`);
console.log(`presignParts URLs byte-identical to SignatureV4.presign: ${identical ? 'yes' : 'no'} (${ours.length} URLs)`);
console.log(row('naive getSignedUrl per part', results.naive, NAIVE_RUNS));
console.log(row('SignatureV4.presign, endpoint resolved once', results.signatureV4, RUNS));
console.log(row('presignParts', results.presignParts, RUNS));
console.log(row('create-upload handler end to end (stubbed AWS)', results.handler, RUNS));
console.log(`ratio naive / presignParts:          ${(results.naive.ms / results.presignParts.ms).toFixed(1)}x`);
console.log(`ratio SignatureV4 / presignParts:    ${(results.signatureV4.ms / results.presignParts.ms).toFixed(1)}x`);
console.log(`ratio naive / handler end to end:    ${(results.naive.ms / results.handler.ms).toFixed(1)}x`);
