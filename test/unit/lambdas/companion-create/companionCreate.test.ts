import { CreateMultipartUploadCommand, S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

vi.hoisted(() => {
  process.env.UPLOADS_TABLE = 'uploads-table';
  process.env.USAGE_TABLE = 'usage-table';
  process.env.UPLOADS_BUCKET = 'uploads-bucket';
});

import { handler } from '../../../../lambdas/companion-create/handler.js';
import { uppyDefaultPartSize } from '../../../../lambdas/companion-create/parseCompanionCreateBody.js';
import { DEFAULT_UPLOAD_POLICY, GiB, MiB } from '../../../../lambdas/shared/mediaPolicy.js';
import type { UploadRecord } from '../../../../lambdas/shared/uploadRecord.js';
import { UPLOAD_ID_PATTERN } from '../../../../lambdas/shared/validation/uploadId.js';
import { apiEvent } from '../../support/apiEvent.js';
import { lambdaContext } from '../../support/lambdaContext.js';

const s3 = mockClient(S3Client);
const dynamo = mockClient(DynamoDBDocumentClient);

const OWNER = 'owner-1';
const USAGE = { TableName: 'usage-table' };
const UPLOADS = { TableName: 'uploads-table' };
const SIZE = 12 * MiB + 54_321;

async function post(body: unknown, sub: string | null = OWNER) {
  const response = (await handler(apiEvent({ method: 'POST', route: '/s3/multipart', body, sub }), lambdaContext())) as {
    statusCode: number;
    body: string;
  };
  return { statusCode: response.statusCode, body: JSON.parse(response.body) as Record<string, any> };
}

/** What Uppy 5 sends for a file: its name and type, and the file's meta (name, type and whatever the page set). */
function uppyBody(meta: Record<string, string> = {}, type = 'video/mp4') {
  return { filename: 'clip.mp4', type, metadata: { name: 'clip.mp4', type, ...meta } };
}

function storedRecord(): UploadRecord {
  return dynamo.commandCalls(PutCommand, UPLOADS)[0]!.args[0].input.Item as UploadRecord;
}

function reservedSize(): number {
  const shares = dynamo.commandCalls(UpdateCommand, USAGE)[0]!.args[0].input.ExpressionAttributeValues?.[':shares'] as Record<string, { size: number }>;
  return Object.values(shares)[0]!.size;
}

describe('POST /s3/multipart (Companion create)', () => {
  beforeEach(() => {
    s3.reset();
    dynamo.reset();
    s3.on(CreateMultipartUploadCommand).resolves({ UploadId: 'mpu-1' });
    dynamo.on(PutCommand).resolves({});
    dynamo.on(GetCommand).resolves({});
    dynamo.on(UpdateCommand, USAGE).resolves({});
  });

  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('with size in the metadata (strict), plans the parts Uppy cuts, keeps the rest of the metadata and answers the upload id as key and uploadId', async () => {
    const response = await post(uppyBody({ size: String(SIZE), title: 'Holiday' }));

    expect(response.statusCode).toBe(200);
    const { uploadId } = response.body;
    expect(uploadId).toMatch(UPLOAD_ID_PATTERN);
    expect(response.body).toEqual({ key: uploadId, uploadId });
    expect(storedRecord()).toMatchObject({
      uploadId,
      ownerId: OWNER,
      status: 'initiated',
      filename: 'clip.mp4',
      contentType: 'video/mp4',
      size: SIZE,
      partSize: 5 * MiB,
      partCount: 3,
      metadata: { title: 'Holiday' },
    });
    expect(storedRecord().sizeMode).toBeUndefined();
    expect(reservedSize()).toBe(SIZE);
  });

  it('takes the part size from metadata.partSize when the page sets getChunkSize', async () => {
    await post(uppyBody({ size: String(SIZE), partSize: String(7 * MiB) }));

    expect(storedRecord()).toMatchObject({ size: SIZE, partSize: 7 * MiB, partCount: 2 });
  });

  it("cuts parts as Uppy does by default: 5 MiB, or ceil(size / 10,000) past 50 GB", () => {
    expect(uppyDefaultPartSize(SIZE)).toBe(5 * MiB);
    expect(uppyDefaultPartSize(60 * GiB + 1)).toBe(Math.ceil((60 * GiB + 1) / 10_000));
  });

  it('without size (open), reserves and records the size limit in up to 10,000 parts, marked sizeMode open', async () => {
    const response = await post(uppyBody());

    expect(response.statusCode).toBe(200);
    expect(storedRecord()).toMatchObject({
      sizeMode: 'open',
      size: DEFAULT_UPLOAD_POLICY.maxFileSize,
      partSize: 5 * MiB,
      partCount: 10_000,
    });
    expect(storedRecord().metadata).toBeUndefined();
    expect(reservedSize()).toBe(DEFAULT_UPLOAD_POLICY.maxFileSize);
  });

  it.each([
    ['an unsupported type', uppyBody({}, 'text/plain'), 415, 'UNSUPPORTED_TYPE', /Content type "text\/plain" is not accepted/],
    ['a size over the limit', uppyBody({ size: String(21 * GiB) }), 413, 'TOO_LARGE', /over the limit of 21474836480 bytes/],
    ['a size that is not digits', uppyBody({ size: '12.5' }), 400, 'INVALID_SIZE', /metadata.size must be a whole number of bytes; got "12.5"/],
    ['a zero size', uppyBody({ size: '0' }), 400, 'INVALID_SIZE', /metadata.size/],
    ['a partSize without a size', uppyBody({ partSize: String(7 * MiB) }), 400, 'INVALID_PART_SIZE', /only counts with metadata.size/],
    ['a partSize below S3 minimum', uppyBody({ size: String(SIZE), partSize: '1024' }), 400, 'INVALID_PART_SIZE', /partSize must be an integer from/],
    ['a metadata key off the pattern', uppyBody({ 'bad key': 'x' }), 400, 'INVALID_METADATA', /key "bad key"/],
    ['a type that is not a string', { filename: 'a.mp4', type: 7 }, 400, 'INVALID_REQUEST', /type must be the file's content type/],
    ['an unknown field', { ...uppyBody(), size: 5 }, 400, 'INVALID_REQUEST', /filename, type and metadata/],
    ['a filename with a slash', { ...uppyBody(), filename: '../x.mp4' }, 400, 'INVALID_FILENAME', /./],
  ])('answers %s with its status and code, the message also at the top, and writes nothing', async (_case, body, status, code, message) => {
    const response = await post(body);

    expect(response.statusCode).toBe(status);
    expect(response.body.error.code).toBe(code);
    expect(response.body.error.message).toMatch(message);
    expect(response.body.message).toBe(response.body.error.message);
    expect(s3.calls()).toHaveLength(0);
    expect(dynamo.calls()).toHaveLength(0);
  });

  it('answers 401 with the message at the top when no caller identity reached it', async () => {
    const response = await post(uppyBody(), null);

    expect(response).toEqual({
      statusCode: 401,
      body: { message: 'A valid bearer token is required', error: { code: 'UNAUTHORIZED', message: 'A valid bearer token is required' } },
    });
  });
});
