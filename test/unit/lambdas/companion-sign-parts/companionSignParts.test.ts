import { S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

vi.hoisted(() => {
  process.env.UPLOADS_TABLE = 'uploads-table';
  process.env.UPLOADS_BUCKET = 'uploads-bucket';
});

import { handler } from '../../../../lambdas/companion-sign-parts/handler.js';
import { MiB } from '../../../../lambdas/shared/mediaPolicy.js';
import { presignParts } from '../../../../lambdas/shared/presignParts.js';
import { apiEvent } from '../../support/apiEvent.js';
import { lambdaContext } from '../../support/lambdaContext.js';
import { uploadRecord } from '../../support/uploadRecord.js';

mockClient(S3Client);
const dynamo = mockClient(DynamoDBDocumentClient);

const NOW = new Date('2025-03-01T12:10:00.000Z');
const ID = '0b8f6a52-3c1e-4d2a-9f7b-5e6d7c8b9a01';

async function batch(query: Record<string, string>) {
  const response = (await handler(
    apiEvent({ route: '/s3/multipart/{id}/batch', pathParameters: { id: ID }, query, sub: 'owner-1' }),
    lambdaContext(),
  )) as { statusCode: number; body: string };
  return { statusCode: response.statusCode, body: JSON.parse(response.body) as Record<string, any> };
}

describe('GET /s3/multipart/{id}/batch (Companion batch sign)', () => {
  beforeEach(() => {
    dynamo.reset();
    dynamo.on(GetCommand).resolves({ Item: uploadRecord() });
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(NOW);
  });

  afterEach(() => {
    vi.useRealTimers();
  });

  it('answers each listed part with its URL, by part number', async () => {
    const response = await batch({ key: ID, partNumbers: '3,1' });

    const expected = await presignParts(
      {
        bucket: 'uploads-bucket',
        key: `uploads/${ID}/source`,
        multipartUploadId: 'mpu-1',
        parts: [
          { partNumber: 3, contentLength: 4 * MiB + 5 },
          { partNumber: 1, contentLength: 8 * MiB },
        ],
        expiresInSeconds: 900,
      },
      { signingDate: NOW },
    );
    expect(response).toEqual({ statusCode: 200, body: { presignedUrls: { '3': expected[0]!.url, '1': expected[1]!.url } } });
  });

  it.each([
    ['no part numbers', { key: ID }],
    ['an empty list', { key: ID, partNumbers: '' }],
    ['a repeated part', { key: ID, partNumbers: '1,1' }],
    ['a part that is not a number', { key: ID, partNumbers: '1,x' }],
    ['more parts than one answer carries', { key: ID, partNumbers: Array.from({ length: 1001 }, (_, i) => i + 1).join(',') }],
  ])('answers %s with 400 INVALID_PART_NUMBERS and reads nothing', async (_case, query) => {
    const response = await batch(query);

    expect(response.statusCode).toBe(400);
    expect(response.body.error.code).toBe('INVALID_PART_NUMBERS');
    expect(response.body.message).toBe(response.body.error.message);
    expect(dynamo.calls()).toHaveLength(0);
  });

  it('answers a wrong key with 400 INVALID_KEY', async () => {
    const response = await batch({ key: 'x', partNumbers: '1' });

    expect(response.statusCode).toBe(400);
    expect(response.body.error).toEqual({ code: 'INVALID_KEY', message: `key must be the upload id ${ID}, as POST /s3/multipart answered; got "x"` });
  });
});
