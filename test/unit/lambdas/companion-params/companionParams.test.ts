import { CreateMultipartUploadCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

vi.hoisted(() => {
  process.env.UPLOADS_TABLE = 'uploads-table';
  process.env.USAGE_TABLE = 'usage-table';
  process.env.UPLOADS_BUCKET = 'uploads-bucket';
});

import { handler } from '../../../../lambdas/companion-params/handler.js';
import { GiB } from '../../../../lambdas/shared/mediaPolicy.js';
import type { UploadRecord } from '../../../../lambdas/shared/uploadRecord.js';
import { apiEvent } from '../../support/apiEvent.js';
import { lambdaContext } from '../../support/lambdaContext.js';

const s3 = mockClient(S3Client);
const dynamo = mockClient(DynamoDBDocumentClient);
const NOW = new Date('2026-03-01T12:00:00.000Z');
const SIZE = 3_145_735;

async function params(query: Record<string, string>) {
  const response = (await handler(apiEvent({ route: '/s3/params', query, sub: 'owner-1' }), lambdaContext())) as { statusCode: number; body: string };
  return { statusCode: response.statusCode, body: JSON.parse(response.body) as Record<string, any> };
}

describe('GET /s3/params (Companion single PUT)', () => {
  beforeEach(() => {
    s3.reset();
    dynamo.reset();
    dynamo.on(PutCommand).resolves({});
    dynamo.on(GetCommand).resolves({});
    dynamo.on(UpdateCommand).resolves({});
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(NOW);
  });

  afterEach(() => {
    vi.useRealTimers();
  });

  it('writes an initiated record without a multipart upload and answers a PUT of the whole file that signs its length and that it writes only once (If-None-Match: *)', async () => {
    const response = await params({ filename: 'clip.mp4', type: 'video/mp4', 'metadata[size]': String(SIZE), 'metadata[title]': 'One go', 'metadata[name]': 'clip.mp4' });

    expect(response.statusCode).toBe(200);
    const uploadId = response.body.fields.key as string;
    const record = dynamo.commandCalls(PutCommand)[0]!.args[0].input.Item as UploadRecord;
    expect(record).toMatchObject({ uploadId, status: 'initiated', size: SIZE, partSize: SIZE, partCount: 1, metadata: { title: 'One go' } });
    expect(record.multipartUploadId).toBeUndefined();
    expect(s3).not.toHaveReceivedCommand(CreateMultipartUploadCommand);
    const expected = await getSignedUrl(
      new S3Client({ region: 'eu-west-1', requestChecksumCalculation: 'WHEN_REQUIRED' }),
      new PutObjectCommand({ Bucket: 'uploads-bucket', Key: `uploads/${uploadId}/source`, ContentLength: SIZE, IfNoneMatch: '*' }),
      { expiresIn: 900, signingDate: NOW, signableHeaders: new Set(['content-length', 'if-none-match']) },
    );
    expect(response.body).toEqual({ method: 'PUT', url: expected, fields: { key: uploadId }, headers: { 'content-type': 'video/mp4', 'if-none-match': '*' } });
    expect(response.body.url).toContain('X-Amz-SignedHeaders=content-length%3Bhost%3Bif-none-match');
    expect(response.body.url).not.toContain('x-amz-checksum');
  });

  it.each([
    ['no size (a PUT URL must sign its length)', { filename: 'a.mp4', type: 'video/mp4' }, 400, 'SIZE_REQUIRED'],
    ['more than one PUT holds', { filename: 'a.mp4', type: 'video/mp4', 'metadata[size]': String(5 * GiB + 1) }, 413, 'TOO_LARGE'],
    ['an unknown parameter', { filename: 'a.mp4', type: 'video/mp4', 'metadata[size]': '5', colour: 'red' }, 400, 'INVALID_REQUEST'],
    ['an unsupported type', { filename: 'a.txt', type: 'text/plain', 'metadata[size]': '5' }, 415, 'UNSUPPORTED_TYPE'],
    ['no filename', { type: 'video/mp4', 'metadata[size]': '5' }, 400, 'INVALID_FILENAME'],
  ])('refuses %s with its code, the message at the top, writing nothing', async (_case, query, status, code) => {
    const response = await params(query);

    expect(response.statusCode).toBe(status);
    expect(response.body.error.code).toBe(code);
    expect(response.body.message).toBe(response.body.error.message);
    expect(dynamo.calls()).toHaveLength(0);
    expect(s3.calls()).toHaveLength(0);
  });
});
