import { GetObjectTaggingCommand, ListObjectsV2Command, NoSuchKey, S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it, vi } from 'vitest';

vi.hoisted(() => {
  process.env.UPLOADS_TABLE = 'uploads-table';
  process.env.UPLOADS_BUCKET = 'uploads-bucket';
  process.env.MALWARE_SCAN = 'on';
});

import { handler } from '../../../../lambdas/download-upload/handler.js';
import type { UploadRecord } from '../../../../lambdas/shared/uploadRecord.js';
import { apiEvent } from '../../support/apiEvent.js';
import { lambdaContext } from '../../support/lambdaContext.js';
import { originalListing } from '../../support/originalListing.js';
import { FIXTURE_OWNER, FIXTURE_UPLOAD_ID, uploadRecord } from '../../support/uploadRecord.js';

const dynamo = mockClient(DynamoDBDocumentClient);
const s3 = mockClient(S3Client);

const ID = FIXTURE_UPLOAD_ID;
const KEY = `uploads/${ID}/source`;

function stored(overrides: Partial<UploadRecord> = {}): UploadRecord {
  return uploadRecord({ status: 'uploaded', pendingExpiry: undefined, ...overrides });
}

async function download(): Promise<{ statusCode: number; body: any }> {
  const response = (await handler(
    apiEvent({ method: 'GET', route: '/uploads/{id}/download', pathParameters: { id: ID }, sub: FIXTURE_OWNER }),
    lambdaContext(),
  )) as { statusCode: number; body: string };
  return { statusCode: response.statusCode, body: JSON.parse(response.body) };
}

function tagged(value: string) {
  return { TagSet: [{ Key: 'GuardDutyMalwareScanStatus', Value: value }] };
}

describe('downloadUpload with the malware gate on', () => {
  beforeEach(() => {
    dynamo.reset();
    s3.reset();
    s3.on(ListObjectsV2Command).resolves(originalListing(KEY, 1234));
  });

  it('hands out an original the scan found clean, reading the verdict from the object itself', async () => {
    dynamo.on(GetCommand).resolves({ Item: stored({ status: 'ready' }) });
    s3.on(GetObjectTaggingCommand).resolves(tagged('NO_THREATS_FOUND'));

    const response = await download();

    expect(response.statusCode).toBe(200);
    expect(s3).toHaveReceivedCommandWith(GetObjectTaggingCommand, { Bucket: 'uploads-bucket', Key: KEY });
  });

  it('refuses an uploaded original still waiting for its verdict with 409: a link can be passed to anyone', async () => {
    dynamo.on(GetCommand).resolves({ Item: stored() });
    s3.on(GetObjectTaggingCommand).resolves({ TagSet: [] });

    expect(await download()).toEqual({
      statusCode: 409,
      body: { error: { code: 'INVALID_STATE', message: `Upload ${ID} is uploaded and its original cannot be downloaded: the malware scan has given no verdict on it yet` } },
    });
  });

  it.each([
    ['MALWARE_SCAN_FAILED', 'UNSUPPORTED'],
    ['MALWARE_SCAN_FAILED', 'ACCESS_DENIED'],
    ['MALWARE_SCAN_TIMED_OUT', undefined],
  ] as const)('refuses the kept original of an upload failed %s (tag %s) with 409', async (code, tag) => {
    dynamo.on(GetCommand).resolves({ Item: stored({ status: 'failed', error: { code, message: 'not scanned clean' } }) });
    s3.on(GetObjectTaggingCommand).resolves(tag === undefined ? { TagSet: [] } : tagged(tag));

    const response = await download();

    expect(response.statusCode).toBe(409);
    expect(response.body.error.message).toContain(`is failed (${code}) and its original cannot be downloaded`);
  });

  it('refuses an original whose tag says it is infected, even if the record does not know yet', async () => {
    dynamo.on(GetCommand).resolves({ Item: stored() });
    s3.on(GetObjectTaggingCommand).resolves(tagged('THREATS_FOUND'));

    const response = await download();

    expect(response.statusCode).toBe(409);
    expect(response.body.error.message).toContain('the malware scan did not find it clean (THREATS_FOUND)');
  });

  it('answers 409 when the original went between the listing and the verdict', async () => {
    dynamo.on(GetCommand).resolves({ Item: stored() });
    s3.on(GetObjectTaggingCommand).rejects(new NoSuchKey({ message: 'gone', $metadata: {} }));

    expect((await download()).statusCode).toBe(409);
  });
});
