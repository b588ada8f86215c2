import { GetObjectTaggingCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

vi.hoisted(() => {
  process.env.UPLOADS_TABLE = 'uploads-table';
  process.env.UPLOADS_BUCKET = 'uploads-bucket';
});

import { DOWNLOAD_URL_EXPIRY_SECONDS } from '../../../../lambdas/download-upload/downloadUpload.js';
import { handler } from '../../../../lambdas/download-upload/handler.js';
import { logger } from '../../../../lambdas/shared/logger.js';
import type { UploadRecord, UploadStatus } from '../../../../lambdas/shared/uploadRecord.js';
import { apiEvent } from '../../support/apiEvent.js';
import { lambdaContext } from '../../support/lambdaContext.js';
import { originalListing } from '../../support/originalListing.js';
import { FIXTURE_OWNER, FIXTURE_UPLOAD_ID, uploadRecord } from '../../support/uploadRecord.js';

const dynamo = mockClient(DynamoDBDocumentClient);
const s3 = mockClient(S3Client);

const ID = FIXTURE_UPLOAD_ID;
const KEY = `uploads/${ID}/source`;

function stored(overrides: Partial<UploadRecord> = {}): UploadRecord {
  return uploadRecord({ status: 'ready', pendingExpiry: undefined, filename: 'Résumé "final".mp4', ...overrides });
}

async function download(id: string, sub = FIXTURE_OWNER): Promise<{ statusCode: number; body: any }> {
  const response = (await handler(
    apiEvent({ method: 'GET', route: '/uploads/{id}/download', pathParameters: { id }, sub }),
    lambdaContext(),
  )) as { statusCode: number; body: string };
  return { statusCode: response.statusCode, body: JSON.parse(response.body) };
}

describe('downloadUpload', () => {
  beforeEach(() => {
    dynamo.reset();
    s3.reset();
    vi.useFakeTimers({ now: new Date('2026-11-27T10:00:00.750Z'), toFake: ['Date'] });
  });

  afterEach(() => {
    vi.useRealTimers();
    vi.restoreAllMocks();
  });

  it.each(['uploaded', 'processing', 'ready', 'failed'] as const)(
    'answers a %s upload with a presigned GET of its original that names the filename and type, and when it expires',
    async (status) => {
      dynamo.on(GetCommand).resolves({ Item: stored({ status }) });
      s3.on(ListObjectsV2Command).resolves(originalListing(KEY, 1234));

      const response = await download(ID);

      expect(response.statusCode).toBe(200);
      expect(Object.keys(response.body).sort()).toEqual(['expiresAt', 'url']);
      // Counted from the whole second the signature names, never later than S3 stops taking it.
      expect(response.body.expiresAt).toBe(new Date(Date.parse('2026-11-27T10:00:00Z') + DOWNLOAD_URL_EXPIRY_SECONDS * 1000).toISOString());
      const url = new URL(response.body.url);
      expect(url.origin).toBe('https://uploads-bucket.s3.eu-west-1.amazonaws.com');
      expect(url.pathname).toBe(`/${KEY}`);
      const query = url.searchParams;
      expect(query.get('response-content-disposition')).toBe(
        `attachment; filename="R_sum_ _final_.mp4"; filename*=UTF-8''R%C3%A9sum%C3%A9%20%22final%22.mp4`,
      );
      expect(query.get('response-content-type')).toBe('video/mp4');
      expect(query.get('X-Amz-Expires')).toBe(String(DOWNLOAD_URL_EXPIRY_SECONDS));
      expect(query.get('X-Amz-Date')).toBe('20261127T100000Z');
      // Only host is signed: a client may add Range to resume.
      expect(query.get('X-Amz-SignedHeaders')).toBe('host');
      expect(query.get('X-Amz-Signature')).toMatch(/^[0-9a-f]{64}$/);
      expect([...query.keys()].filter((name) => name.toLowerCase().includes('checksum'))).toEqual([]);
      expect(s3).toHaveReceivedCommandExactlyOnceWith(ListObjectsV2Command, { Bucket: 'uploads-bucket', Prefix: KEY, MaxKeys: 1 });
      // Without the malware gate there is no verdict to ask for.
      expect(s3).not.toHaveReceivedCommand(GetObjectTaggingCommand);
    },
  );

  it.each([
    ['initiated', 'its original exists once the upload is completed'],
    ['cancelled', 'its original was deleted with it'],
    ['expired', 'its original was deleted with it'],
  ] as const)('answers a %s upload with 409 INVALID_STATE naming the state, and asks S3 nothing', async (status: UploadStatus, why) => {
    dynamo.on(GetCommand).resolves({ Item: stored({ status }) });

    const response = await download(ID);

    expect(response).toEqual({ statusCode: 409, body: { error: { code: 'INVALID_STATE', message: `Upload ${ID} is ${status}; ${why}` } } });
    expect(s3).not.toHaveReceivedAnyCommand();
  });

  it('answers 409 INVALID_STATE when the state allows it but S3 holds no original (a complete that failed never made one)', async () => {
    dynamo.on(GetCommand).resolves({ Item: stored({ status: 'failed', error: { code: 'SIZE_MISMATCH', message: 'S3 holds 4 bytes' } }) });
    s3.on(ListObjectsV2Command).resolves(originalListing(KEY));

    const response = await download(ID);

    expect(response).toEqual({
      statusCode: 409,
      body: { error: { code: 'INVALID_STATE', message: `Upload ${ID} is failed (SIZE_MISMATCH) and S3 holds no original of it to download` } },
    });
  });

  it('answers 409 INVALID_STATE saying when the retention rules deleted the original, and asks S3 nothing', async () => {
    dynamo.on(GetCommand).resolves({ Item: stored({ originalRemovedAt: '2026-11-20T08:00:00.000Z' }) });

    const response = await download(ID);

    expect(response).toEqual({
      statusCode: 409,
      body: { error: { code: 'INVALID_STATE', message: `Upload ${ID} is ready; its original was deleted at 2026-11-20T08:00:00.000Z by the retention rules` } },
    });
    expect(s3).not.toHaveReceivedAnyCommand();
  });

  it("answers another owner's upload with 404 NOT_FOUND, exactly like a missing one, and asks S3 nothing", async () => {
    dynamo.on(GetCommand).resolves({ Item: stored() });
    const foreign = await download(ID, 'owner-2');
    dynamo.on(GetCommand).resolves({});
    const missing = await download(ID);

    expect(foreign).toEqual({ statusCode: 404, body: { error: { code: 'NOT_FOUND', message: `Upload ${ID} was not found` } } });
    expect(foreign).toEqual(missing);
    expect(s3).not.toHaveReceivedAnyCommand();
  });

  it.each(['not-an-id', '../../etc/passwd', ID.toUpperCase()])('answers the path id %j with 404 NOT_FOUND without reading the table', async (id) => {
    const response = await download(id);

    expect(response.statusCode).toBe(404);
    expect(dynamo).not.toHaveReceivedAnyCommand();
  });

  it('answers an S3 failure with a plain 500 that names nothing', async () => {
    vi.spyOn(logger, 'error').mockImplementation(() => undefined);
    dynamo.on(GetCommand).resolves({ Item: stored() });
    s3.on(ListObjectsV2Command).rejects(Object.assign(new Error(`Access Denied for ${KEY}`), { name: 'AccessDenied' }));

    const response = await download(ID);

    expect(response).toEqual({ statusCode: 500, body: { error: { code: 'INTERNAL_ERROR', message: 'Something went wrong on our side; try again later' } } });
  });
});
