import { ListPartsCommand, NoSuchUpload, S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it, vi } from 'vitest';

vi.hoisted(() => {
  process.env.UPLOADS_TABLE = 'uploads-table';
  process.env.UPLOADS_BUCKET = 'uploads-bucket';
});

import { handler } from '../../../../lambdas/companion-list-parts/handler.js';
import { apiEvent } from '../../support/apiEvent.js';
import { lambdaContext } from '../../support/lambdaContext.js';
import { uploadRecord } from '../../support/uploadRecord.js';

const s3 = mockClient(S3Client);
const dynamo = mockClient(DynamoDBDocumentClient);
const ID = '0b8f6a52-3c1e-4d2a-9f7b-5e6d7c8b9a01';

async function list(key: string = ID) {
  const response = (await handler(
    apiEvent({ route: '/s3/multipart/{id}', pathParameters: { id: ID }, query: { key }, sub: 'owner-1' }),
    lambdaContext(),
  )) as { statusCode: number; body: string };
  return { statusCode: response.statusCode, body: JSON.parse(response.body) as any };
}

describe('GET /s3/multipart/{id} (Companion list parts)', () => {
  beforeEach(() => {
    s3.reset();
    dynamo.reset();
    dynamo.on(GetCommand).resolves({ Item: uploadRecord() });
  });

  it("answers every part S3 holds, all pages, in S3's field names with numbers", async () => {
    s3.on(ListPartsCommand)
      .resolvesOnce({ Parts: [{ PartNumber: 2, Size: 8, ETag: '"e2"' }], IsTruncated: true, NextPartNumberMarker: '2' })
      .resolvesOnce({ Parts: [{ PartNumber: 1, Size: 8, ETag: '"e1"' }], IsTruncated: false });

    const response = await list();

    expect(response).toEqual({
      statusCode: 200,
      body: [
        { PartNumber: 1, ETag: '"e1"', Size: 8 },
        { PartNumber: 2, ETag: '"e2"', Size: 8 },
      ],
    });
    expect(s3).toHaveReceivedCommandTimes(ListPartsCommand, 2);
  });

  it('answers no parts when S3 no longer knows the multipart upload', async () => {
    s3.on(ListPartsCommand).rejects(new NoSuchUpload({ message: 'gone', $metadata: {} }));

    expect(await list()).toEqual({ statusCode: 200, body: [] });
  });

  it('answers 409 INVALID_STATE once the upload is no longer initiated, and lists nothing', async () => {
    dynamo.on(GetCommand).resolves({ Item: uploadRecord({ status: 'uploaded' }) });

    const response = await list();

    expect(response.statusCode).toBe(409);
    expect(response.body.message).toBe(`Upload ${ID} is uploaded; its parts are only listed while it is initiated`);
    expect(s3.calls()).toHaveLength(0);
  });

  it('answers a wrong key 400 INVALID_KEY without reading the record', async () => {
    const response = await list('someone-elses-key');

    expect(response.statusCode).toBe(400);
    expect(response.body.error.code).toBe('INVALID_KEY');
    expect(dynamo.calls()).toHaveLength(0);
  });
});
