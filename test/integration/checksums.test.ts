import { CompleteMultipartUploadCommand, GetObjectAttributesCommand, type S3Client } from '@aws-sdk/client-s3';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { randomFillSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FetchFunction } from '../../client/apiTransport.js';
import { crc32c, crc32cBase64 } from '../../client/crc32c.js';
import { createClient } from '../../client/createClient.js';
import { UploadFailedError } from '../../client/errors.js';
import type { LocalMode } from '../../local/startLocal.js';
import { startTestLocal, type TestLocal } from './support/startTestLocal.js';
import { callApi, emulatorS3, putPart, readObject } from './support/localHttp.js';

const MiB = 1024 * 1024;
const QUICK_RETRIES = { baseMs: 1, maxMs: 5 };

/** A fetch that flips one byte in the body of the part PUTs `corrupt` picks, after the SDK hashed it: what a bad link does. */
function corruptingFetch(corrupt: (partNumber: number, attempt: number) => boolean) {
  const attempts = new Map<number, number>();
  const answers: { partNumber: number; status: number }[] = [];
  const fetch: FetchFunction = async (input, init) => {
    if (init?.method !== 'PUT') return globalThis.fetch(input, init);
    const partNumber = Number(new URL(input).searchParams.get('partNumber'));
    const attempt = attempts.get(partNumber) ?? 0;
    attempts.set(partNumber, attempt + 1);
    let body = init.body;
    if (corrupt(partNumber, attempt)) {
      const flipped = new Uint8Array(body as Uint8Array);
      flipped[1234] = (flipped[1234] as number) ^ 0x01;
      body = flipped;
    }
    const response = await globalThis.fetch(input, { ...init, body });
    answers.push({ partNumber, status: response.status });
    return response;
  };
  return { fetch, answers };
}

describe('end-to-end checksums against local mode', () => {
  let local: LocalMode;
  let testLocal: TestLocal;
  let token: string;
  let s3: S3Client;
  let bytes: Buffer;

  beforeAll(async () => {
      testLocal = await startTestLocal('checksums', {
      processUploads: false,
    });
    local = testLocal.local;
    token = await local.mintToken('checksums-it');
    s3 = emulatorS3(local);
    bytes = randomFillSync(Buffer.alloc(12 * MiB));
  });

  afterAll(async () => {
    s3?.destroy();
    await testLocal?.stop();
  });

  it('refuses a part whose byte flipped on the way, sends it again, and keeps the verified whole-file CRC-32C on the record', async () => {
    const { fetch, answers } = corruptingFetch((partNumber, attempt) => partNumber === 2 && attempt === 0);
    const client = createClient({ apiUrl: local.apiUrl, token, fetch, retryDelay: QUICK_RETRIES, webSocket: null });

    const record = await client.upload(bytes, { filename: 'clip.mp4', partSize: 5 * MiB });

    expect(answers.filter((answer) => answer.partNumber === 2).map((answer) => answer.status)).toEqual([400, 200]);
    expect(record.status).toBe('uploaded');
    expect(record.checksumAlgorithm).toBe('CRC32C');
    expect(record.checksum).toEqual({ algorithm: 'CRC32C', type: 'FULL_OBJECT', value: crc32cBase64(crc32c(bytes)) });
    const stored = await readObject(s3, local.uploadsBucket, `uploads/${record.uploadId}/source`);
    expect(stored.equals(bytes)).toBe(true);
  });

  it('fails with CHECKSUM_MISMATCH when every attempt at a part arrives changed, and S3 holds none of them', async () => {
    const { fetch, answers } = corruptingFetch((partNumber) => partNumber === 1);
    const client = createClient({ apiUrl: local.apiUrl, token, fetch, retryDelay: QUICK_RETRIES, webSocket: null });
    let uploadId: string | undefined;

    const error = await client
      .upload(bytes, { filename: 'clip.mp4', partSize: 5 * MiB, retries: 2, concurrency: 1, onCreated: (created) => (uploadId = created.uploadId) })
      .catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(UploadFailedError);
    expect(error).toMatchObject({ code: 'CHECKSUM_MISMATCH', partNumber: 1, status: 400 });
    expect(answers.map((answer) => answer.status)).toEqual([400, 400, 400]);
    const details = await callApi(local, 'GET', `/uploads/${uploadId}`, { token });
    expect(details.body).toMatchObject({ status: 'initiated', uploadedParts: [] });
  });

  it('fails the upload with CHECKSUM_MISMATCH when the parts S3 holds do not combine to the checksum complete names', async () => {
    const size = 6 * MiB;
    const created = await callApi(local, 'POST', '/uploads', {
      token,
      body: { filename: 'clip.mp4', contentType: 'video/mp4', size, partSize: 5 * MiB, checksumAlgorithm: 'CRC32C' },
    });
    expect(created.status).toBe(201);
    expect(created.body.parts).toEqual([]);
    const { uploadId } = created.body;
    const file = bytes.subarray(0, size);
    const parts = [file.subarray(0, 5 * MiB), file.subarray(5 * MiB)];
    const checksums = parts.map((part) => crc32cBase64(crc32c(part)));
    const signed = await callApi(local, 'POST', `/uploads/${uploadId}/parts`, {
      token,
      body: { parts: checksums.map((checksumCRC32C, index) => ({ partNumber: index + 1, checksumCRC32C })) },
    });
    expect(signed.status).toBe(200);
    for (const [index, { url }] of signed.body.parts.entries()) {
      expect((await putPart(url, parts[index]!, { 'x-amz-checksum-crc32c': checksums[index]! })).status).toBe(200);
    }
    // Without its checksum the complete changes nothing.
    expect((await callApi(local, 'POST', `/uploads/${uploadId}/complete`, { token, body: {} })).body.error.code).toBe('CHECKSUM_REQUIRED');

    const wrong = crc32cBase64(crc32c(bytes.subarray(1, size + 1)));
    const completed = await callApi(local, 'POST', `/uploads/${uploadId}/complete`, { token, body: { checksumCRC32C: wrong } });

    expect(completed.status).toBe(422);
    expect(completed.body.error.code).toBe('CHECKSUM_MISMATCH');
    const details = await callApi(local, 'GET', `/uploads/${uploadId}`, { token });
    expect(details.body).toMatchObject({ status: 'failed', error: { code: 'CHECKSUM_MISMATCH' } });
    expect(details.body.checksum).toBeUndefined();
  });

  it('records the checksum S3 verified when a complete crashed after CompleteMultipartUpload and the client calls complete again', async () => {
    const size = 6 * MiB;
    const created = await callApi(local, 'POST', '/uploads', {
      token,
      body: { filename: 'clip.mp4', contentType: 'video/mp4', size, partSize: 5 * MiB, checksumAlgorithm: 'CRC32C' },
    });
    const { uploadId } = created.body;
    const file = bytes.subarray(MiB, MiB + size);
    const parts = [file.subarray(0, 5 * MiB), file.subarray(5 * MiB)];
    const checksums = parts.map((part) => crc32cBase64(crc32c(part)));
    const signed = await callApi(local, 'POST', `/uploads/${uploadId}/parts`, {
      token,
      body: { parts: checksums.map((checksumCRC32C, index) => ({ partNumber: index + 1, checksumCRC32C })) },
    });
    const etags: string[] = [];
    for (const [index, { url }] of signed.body.parts.entries()) {
      const answer = await putPart(url, parts[index]!, { 'x-amz-checksum-crc32c': checksums[index]! });
      expect(answer.status).toBe(200);
      etags.push(answer.headers.get('etag')!);
    }
    const whole = crc32cBase64(crc32c(file));
    const key = `uploads/${uploadId}/source`;
    const dynamo = DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: local.dynamoDbEndpoint, region: local.region, credentials: local.credentials }));
    const { Item } = await dynamo.send(new GetCommand({ TableName: local.uploadsTable, Key: { uploadId }, ConsistentRead: true }));
    dynamo.destroy();
    const completeOnS3 = (checksumCRC32C: string) =>
      s3.send(
        new CompleteMultipartUploadCommand({
          Bucket: local.uploadsBucket,
          Key: key,
          UploadId: Item!.multipartUploadId as string,
          ChecksumCRC32C: checksumCRC32C,
          ChecksumType: 'FULL_OBJECT',
          MultipartUpload: { Parts: etags.map((ETag, index) => ({ PartNumber: index + 1, ETag, ChecksumCRC32C: checksums[index] })) },
        }),
      );

    // Like S3, local S3 refuses a whole-file checksum the parts do not combine to, and keeps the upload.
    const refused = await completeOnS3(crc32cBase64(crc32c(bytes.subarray(0, size)))).catch((caught: unknown) => caught);
    expect(refused).toMatchObject({ name: 'BadDigest', $metadata: { httpStatusCode: 400 } });
    // What the crashed complete got done: S3 completed the object, the record still says initiated.
    await completeOnS3(whole);
    const attributes = await s3.send(new GetObjectAttributesCommand({ Bucket: local.uploadsBucket, Key: key, ObjectAttributes: ['Checksum', 'ObjectSize'] }));
    expect(attributes).toMatchObject({ Checksum: { ChecksumCRC32C: whole, ChecksumType: 'FULL_OBJECT' }, ObjectSize: size });

    const completed = await callApi(local, 'POST', `/uploads/${uploadId}/complete`, { token, body: { checksumCRC32C: whole } });

    expect(completed.status).toBe(200);
    const details = await callApi(local, 'GET', `/uploads/${uploadId}`, { token });
    expect(details.body).toMatchObject({ status: 'uploaded', checksum: { algorithm: 'CRC32C', type: 'FULL_OBJECT', value: whole } });
    expect((await readObject(s3, local.uploadsBucket, key)).equals(file)).toBe(true);
  });

  it('signs the checksum into the URL: the same URL with another checksum header, or none, is refused', async () => {
    const created = await callApi(local, 'POST', '/uploads', {
      token,
      body: { filename: 'clip.mp4', contentType: 'video/mp4', size: 1000, checksumAlgorithm: 'CRC32C' },
    });
    const part = bytes.subarray(0, 1000);
    const checksum = crc32cBase64(crc32c(part));
    const signed = await callApi(local, 'POST', `/uploads/${created.body.uploadId}/parts`, {
      token,
      body: { parts: [{ partNumber: 1, checksumCRC32C: checksum }] },
    });
    const { url } = signed.body.parts[0];

    expect((await putPart(url, part)).status).toBe(403);
    expect((await putPart(url, part, { 'x-amz-checksum-crc32c': crc32cBase64(0) })).status).toBe(403);
    expect((await callApi(local, 'POST', `/uploads/${created.body.uploadId}/parts`, { token, body: { partNumbers: [1] } })).body.error.code).toBe(
      'CHECKSUM_REQUIRED',
    );
  });

  it('still takes uploads without checksums where the deployment allows them', async () => {
    const client = createClient({ apiUrl: local.apiUrl, token, webSocket: null });
    const record = await client.upload(bytes.subarray(0, 2 * MiB), { filename: 'clip.mp4', checksums: false });
    expect(record).toMatchObject({ status: 'uploaded' });
    expect(record.checksum).toBeUndefined();
  });
});
