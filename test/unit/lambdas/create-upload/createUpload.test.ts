import { AbortMultipartUploadCommand, CreateMultipartUploadCommand, S3Client } from '@aws-sdk/client-s3';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

vi.hoisted(() => {
  process.env.UPLOADS_TABLE = 'uploads-table';
  process.env.USAGE_TABLE = 'usage-table';
  process.env.UPLOADS_BUCKET = 'uploads-bucket';
});

import { startNewUpload } from '../../../../lambdas/create-upload/createUpload.js';
import { handler } from '../../../../lambdas/create-upload/handler.js';
import { logger } from '../../../../lambdas/shared/logger.js';
import { DEFAULT_UPLOAD_POLICY, GiB, MiB } from '../../../../lambdas/shared/mediaPolicy.js';
import { presignParts } from '../../../../lambdas/shared/presignParts.js';
import { UPLOAD_ID_PATTERN } from '../../../../lambdas/shared/validation/uploadId.js';
import { apiEvent } from '../../support/apiEvent.js';
import { lambdaContext } from '../../support/lambdaContext.js';

const s3 = mockClient(S3Client);
const dynamo = mockClient(DynamoDBDocumentClient);

const NOW = new Date('2026-03-01T12:00:00.250Z');
const OWNER = 'owner-1';
const MPU = 'mpu-abc';
const policy = DEFAULT_UPLOAD_POLICY;
const ALL_TYPES = Object.values(policy.acceptedTypes).flat();

interface Response {
  readonly statusCode: number;
  readonly headers: Record<string, string>;
  readonly body: Record<string, any>;
}

async function post(body: unknown, sub: string | null = OWNER): Promise<Response> {
  const response = (await handler(apiEvent({ method: 'POST', route: '/uploads', body, sub }), lambdaContext())) as {
    statusCode: number;
    headers: Record<string, string>;
    body: string;
  };
  return { statusCode: response.statusCode, headers: response.headers, body: JSON.parse(response.body) };
}

function valid(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { filename: 'Talk at the meetup.mp4', contentType: 'video/mp4', size: 100 * MiB + 7, ...overrides };
}

function expectNothingSent(): void {
  expect(s3.calls()).toHaveLength(0);
  expect(dynamo.calls()).toHaveLength(0);
}

const USAGE = { TableName: 'usage-table' };
const UPLOADS = { TableName: 'uploads-table' };

/** The usage writes the create sent, in order. */
function usageWrites() {
  return dynamo.commandCalls(UpdateCommand, USAGE).map((call) => call.args[0].input);
}

/** The user's usage item as the reservation this create sent left it (none before it). */
function usageAfterReservation() {
  const reservation = usageWrites()[0];
  if (!reservation) return {};
  const shares = reservation.ExpressionAttributeValues?.[':shares'] as Record<string, { size: number }>;
  const size = Object.values(shares)[0]!.size;
  return {
    Item: { ownerId: OWNER, activeUploads: 1, bytesInFlight: size, bytesHeld: size, hour: 492_324, uploadsThisHour: 1, active: shares, released: {} },
  };
}

/** The create's second usage write drops the share its first one reserved. */
function expectReservationGivenBack(): void {
  const [reservation, release] = usageWrites();
  const uploadId = Object.keys(reservation?.ExpressionAttributeValues?.[':shares'] as object)[0];
  expect(release).toMatchObject({
    UpdateExpression: expect.stringMatching(/^REMOVE #active\.#upload .*ADD #activeUploads :minusOne, #bytesInFlight :minusSize, #bytesHeld :minusSize$/),
    ExpressionAttributeNames: expect.objectContaining({ '#upload': uploadId }),
  });
}

describe('createUpload', () => {
  beforeEach(() => {
    s3.reset();
    dynamo.reset();
    s3.on(CreateMultipartUploadCommand).resolves({ UploadId: MPU });
    dynamo.on(PutCommand).resolves({});
    dynamo.on(GetCommand, USAGE).callsFake(usageAfterReservation);
    dynamo.on(UpdateCommand, USAGE).resolves({});
    dynamo.on(GetCommand, UPLOADS).resolves({});
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(NOW);
  });

  afterEach(() => {
    vi.useRealTimers();
    vi.restoreAllMocks();
  });

  it('starts a checksum upload as a FULL_OBJECT CRC-32C multipart upload, keeps the algorithm on the record and signs no part URL yet', async () => {
    const response = await post(valid({ checksumAlgorithm: 'CRC32C' }));

    expect(response.statusCode).toBe(201);
    expect(response.body).toMatchObject({ checksumAlgorithm: 'CRC32C', parts: [] });
    expect(s3).toHaveReceivedCommandWith(CreateMultipartUploadCommand, { ChecksumAlgorithm: 'CRC32C', ChecksumType: 'FULL_OBJECT' });
    expect(dynamo).toHaveReceivedCommandWith(PutCommand, { Item: expect.objectContaining({ checksumAlgorithm: 'CRC32C' }) });
  });

  it('refuses an unknown checksumAlgorithm with 400 INVALID_CHECKSUM_ALGORITHM and sends nothing', async () => {
    const response = await post(valid({ checksumAlgorithm: 'MD5' }));

    expect(response).toMatchObject({ statusCode: 400, body: { error: { code: 'INVALID_CHECKSUM_ALGORITHM' } } });
    expectNothingSent();
  });

  it('refuses an upload without checksums with 400 CHECKSUM_REQUIRED where the deployment requires them, before anything is written', async () => {
    const body = { filename: 'a.mp4', contentType: 'video/mp4', kind: 'video' as const, size: 10 * MiB };
    await expect(startNewUpload(OWNER, body, { ...policy, requireChecksums: true })).rejects.toMatchObject({ code: 'CHECKSUM_REQUIRED', statusCode: 400 });
    expectNothingSent();
  });

  it('reserves the upload in its owner usage, starts the multipart upload, writes the initiated record and answers 201 with every part URL', async () => {
    const response = await post(valid({ metadata: { title: 'Talk', 'track.no': '7' } }));

    expect(response.statusCode).toBe(201);
    const { uploadId } = response.body;
    expect(uploadId).toMatch(UPLOAD_ID_PATTERN);
    expect(response.headers.location).toBe(`/uploads/${uploadId}`);
    expect(response.body).toEqual({
      uploadId,
      status: 'initiated',
      partSize: 8 * MiB,
      partCount: 13,
      parts: expect.any(Array),
      expiresAt: '2026-03-02T12:00:00.250Z',
      partUrlsExpireAt: '2026-03-01T12:15:00.000Z',
    });

    const key = `uploads/${uploadId}/source`;
    expect(s3.calls()).toHaveLength(1);
    expect(s3.commandCalls(CreateMultipartUploadCommand)[0]?.args[0].input).toEqual({
      Bucket: 'uploads-bucket',
      Key: key,
      ContentType: 'video/mp4',
    });
    const share = { size: 100 * MiB + 7, phase: 'initiated', reservedAt: NOW.toISOString() };
    expect(dynamo.calls().map((call) => call.args[0].constructor.name)).toEqual(['GetCommand', 'UpdateCommand', 'PutCommand']);
    expect(usageWrites()).toEqual([
      expect.objectContaining({
        Key: { ownerId: OWNER },
        ConditionExpression: 'attribute_not_exists(#ownerId)',
        ExpressionAttributeValues: expect.objectContaining({ ':shares': { [uploadId]: share }, ':size': 100 * MiB + 7 }),
      }),
    ]);
    expect(dynamo.commandCalls(PutCommand)[0]?.args[0].input).toEqual({
      TableName: 'uploads-table',
      Item: {
        uploadId,
        ownerId: OWNER,
        status: 'initiated',
        filename: 'Talk at the meetup.mp4',
        contentType: 'video/mp4',
        kind: 'video',
        size: 100 * MiB + 7,
        partSize: 8 * MiB,
        partCount: 13,
        sourceKey: key,
        multipartUploadId: MPU,
        metadata: { title: 'Talk', 'track.no': '7' },
        createdAt: NOW.toISOString(),
        updatedAt: NOW.toISOString(),
        expiresAt: '2026-03-02T12:00:00.250Z',
        pendingExpiry: 'initiated',
        usageTracked: true,
        unfinishedOwner: 'owner-1',
        seq: 1,
        writeId: expect.any(String),
      },
      ConditionExpression: 'attribute_not_exists(uploadId)',
    });

    // Each URL signs its own part's exact length: 8 MiB for parts 1-12, the remainder for part 13.
    const expected = await presignParts(
      {
        bucket: 'uploads-bucket',
        key,
        multipartUploadId: MPU,
        parts: Array.from({ length: 13 }, (_, index) => ({
          partNumber: index + 1,
          contentLength: index < 12 ? 8 * MiB : 100 * MiB + 7 - 12 * 8 * MiB,
        })),
        expiresInSeconds: 900,
      },
      { signingDate: NOW },
    );
    expect(response.body.parts).toEqual(expected);
    const last = new URL(response.body.parts[12].url);
    expect(last.origin).toBe('https://uploads-bucket.s3.eu-west-1.amazonaws.com');
    expect(last.pathname).toBe(`/${key}`);
    expect(last.searchParams.get('uploadId')).toBe(MPU);
    expect(last.searchParams.get('X-Amz-Date')).toBe('20260301T120000Z');
    expect(last.searchParams.get('X-Amz-Expires')).toBe('900');
  });

  it('leaves metadata off the record when none is sent and lower-cases the content type', async () => {
    const response = await post(valid({ contentType: 'Audio/MPEG', filename: 'song.mp3', size: 3 * MiB }));

    expect(response.statusCode).toBe(201);
    expect(response.body).toMatchObject({ partCount: 1, partSize: 8 * MiB });
    expect(response.body.parts).toHaveLength(1);
    expect(s3.commandCalls(CreateMultipartUploadCommand)[0]?.args[0].input.ContentType).toBe('audio/mpeg');
    const item = dynamo.commandCalls(PutCommand)[0]?.args[0].input.Item;
    expect(item).toMatchObject({ contentType: 'audio/mpeg', kind: 'audio' });
    expect(item).not.toHaveProperty('metadata');
  });

  it('hands out URLs for the first 1,000 parts only of a 10 GiB file cut into 10 MiB parts', async () => {
    const response = await post(valid({ size: 10 * GiB, partSize: 10 * MiB }));

    expect(response.statusCode).toBe(201);
    expect(response.body).toMatchObject({ partSize: 10 * MiB, partCount: 1024 });
    expect(response.body.parts.map((part: { partNumber: number }) => part.partNumber)).toEqual(
      Array.from({ length: policy.maxPartUrlsPerResponse }, (_, index) => index + 1),
    );
  });

  it('grows the part size so a 10 GiB file gets all its part URLs in one response', async () => {
    const response = await post(valid({ size: 10 * GiB }));

    expect(response.body).toMatchObject({ partSize: 11 * MiB, partCount: 931 });
    expect(response.body.parts).toHaveLength(931);
  });

  it('never puts the filename into the key', async () => {
    const response = await post(valid({ filename: 'evil..name with spaces.mp4' }));

    const key = s3.commandCalls(CreateMultipartUploadCommand)[0]?.args[0].input.Key;
    expect(key).toBe(`uploads/${response.body.uploadId}/source`);
  });

  it('aborts the multipart upload and gives the reservation back when the record cannot be written, answers a plain 500, and leaves nothing behind', async () => {
    dynamo.on(PutCommand).rejects(new Error('Throughput exceeded on uploads-table'));
    s3.on(AbortMultipartUploadCommand).resolves({});
    vi.spyOn(logger, 'error').mockImplementation(() => undefined);

    const response = await post(valid());

    expect(response.statusCode).toBe(500);
    expect(response.body).toEqual({ error: { code: 'INTERNAL_ERROR', message: expect.any(String) } });
    expect(JSON.stringify(response.body)).not.toContain('uploads-table');
    const key = s3.commandCalls(CreateMultipartUploadCommand)[0]?.args[0].input.Key;
    expect(s3.commandCalls(AbortMultipartUploadCommand).map((call) => call.args[0].input)).toEqual([
      { Bucket: 'uploads-bucket', Key: key, UploadId: MPU },
    ]);
    expectReservationGivenBack();
  });

  it('aborts too when the generated id is already taken by another write (the conditional put fails)', async () => {
    dynamo.on(PutCommand).rejects(new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} }));
    dynamo.on(GetCommand, UPLOADS).resolves({ Item: { uploadId: 'taken', ownerId: 'owner-2', writeId: 'another-writer' } });
    s3.on(AbortMultipartUploadCommand).resolves({});
    vi.spyOn(logger, 'error').mockImplementation(() => undefined);

    const response = await post(valid());

    expect(response.statusCode).toBe(500);
    expect(s3).toHaveReceivedCommandTimes(AbortMultipartUploadCommand, 1);
    // The record under that id is another owner's: this create's share is still its own to give back.
    expectReservationGivenBack();
  });

  it("keeps the reservation when the record was written after all (the put's answer was lost): the record's states settle it", async () => {
    dynamo.on(PutCommand).rejects(new Error('socket hang up'));
    dynamo.on(GetCommand, UPLOADS).callsFake((input: { Key: { uploadId: string } }) => ({
      Item: { uploadId: input.Key.uploadId, ownerId: OWNER, status: 'initiated' },
    }));
    s3.on(AbortMultipartUploadCommand).resolves({});
    vi.spyOn(logger, 'error').mockImplementation(() => undefined);

    expect((await post(valid())).statusCode).toBe(500);
    expect(usageWrites()).toHaveLength(1);
  });

  it('still answers 500 and logs the abort failure when the abort fails as well', async () => {
    dynamo.on(PutCommand).rejects(new Error('DynamoDB is down'));
    s3.on(AbortMultipartUploadCommand).rejects(new Error('S3 is down'));
    const logged = vi.spyOn(logger, 'error').mockImplementation(() => undefined);

    const response = await post(valid());

    expect(response.statusCode).toBe(500);
    expect(logged).toHaveBeenCalledWith(
      expect.stringContaining('Could not abort'),
      expect.objectContaining({ key: expect.stringMatching(/^uploads\/.+\/source$/) }),
    );
  });

  it('answers 500 without writing a record, and gives the reservation back, when S3 starts no multipart upload', async () => {
    s3.on(CreateMultipartUploadCommand).rejects(new Error('S3 is down'));
    vi.spyOn(logger, 'error').mockImplementation(() => undefined);

    const response = await post(valid());

    expect(response.statusCode).toBe(500);
    expect(dynamo.commandCalls(PutCommand)).toHaveLength(0);
    expectReservationGivenBack();
  });

  it('answers 403 QUOTA_EXCEEDED at the unfinished-uploads limit, naming the limit and the figure, and sends nothing else', async () => {
    const shares = Object.fromEntries(
      Array.from({ length: 5 }, (_, index) => [`up-${index}`, { size: MiB, phase: 'initiated', reservedAt: NOW.toISOString() }]),
    );
    dynamo.on(GetCommand, USAGE).resolves({
      Item: { ownerId: OWNER, activeUploads: 5, bytesInFlight: 5 * MiB, bytesHeld: 5 * MiB, hour: 0, uploadsThisHour: 0, active: shares, released: {} },
    });
    dynamo.on(GetCommand, UPLOADS).callsFake((input: { Key: { uploadId: string } }) => ({
      Item: { uploadId: input.Key.uploadId, ownerId: OWNER, status: 'initiated', usageTracked: true, size: MiB },
    }));

    const response = await post(valid());

    expect(response).toMatchObject({
      statusCode: 403,
      body: { error: { code: 'QUOTA_EXCEEDED', message: expect.stringContaining('You have 5 unfinished uploads and the limit is 5 per user') } },
    });
    expect(s3.calls()).toHaveLength(0);
    expect(dynamo.commandCalls(PutCommand)).toHaveLength(0);
    expect(usageWrites()).toEqual([]);
  });

  it('answers 429 RATE_LIMITED with Retry-After until the hour ends when the hourly limit is used up, and sends nothing else', async () => {
    dynamo.on(GetCommand, USAGE).resolves({
      // NOW is 12:00:00.250 on 2026-03-01, hour 492324 since the epoch.
      Item: { ownerId: OWNER, activeUploads: 0, bytesInFlight: 0, bytesHeld: 0, hour: 492_324, uploadsThisHour: 100, active: {}, released: {} },
    });

    const response = await post(valid());

    expect(response).toMatchObject({
      statusCode: 429,
      headers: { 'retry-after': '3600' },
      body: {
        error: {
          code: 'RATE_LIMITED',
          message: 'You created 100 uploads this hour and the limit is 100 per hour; try again after 2026-03-01T13:00:00.000Z (in 60 min)',
        },
      },
    });
    expect(s3.calls()).toHaveLength(0);
    expect(usageWrites()).toEqual([]);
  });

  it('answers 401 when no caller identity reached the handler, and sends nothing', async () => {
    const response = await post(valid(), null);

    expect(response.statusCode).toBe(401);
    expect(response.body.error.code).toBe('UNAUTHORIZED');
    expectNothingSent();
  });

  it('answers 400 INVALID_JSON for a body that is not JSON, and sends nothing', async () => {
    const response = await post('{"filename":');

    expect(response).toMatchObject({ statusCode: 400, body: { error: { code: 'INVALID_JSON' } } });
    expectNothingSent();
  });

  it.each([
    ['no body', 400, 'INVALID_REQUEST', undefined, /must be a JSON object/],
    ['an array', 400, 'INVALID_REQUEST', [valid()], /must be a JSON object/],
    ['an unknown field', 400, 'INVALID_REQUEST', valid({ owner: 'someone-else' }), /Unknown field\(s\) owner/],
    ['a filename with a path separator', 400, 'INVALID_FILENAME', valid({ filename: '../etc/passwd' }), /must not contain \/ or \\; got "\.\.\/etc\/passwd"/],
    ['a filename with a backslash', 400, 'INVALID_FILENAME', valid({ filename: 'a\\b.mp4' }), /must not contain/],
    ['a filename with a NUL', 400, 'INVALID_FILENAME', valid({ filename: 'a\u0000.mp4' }), /control characters/],
    ['a filename with DEL', 400, 'INVALID_FILENAME', valid({ filename: 'a\u007f.mp4' }), /control characters/],
    ['a filename with a C1 control', 400, 'INVALID_FILENAME', valid({ filename: 'a\u0085.mp4' }), /control characters/],
    ['the filename ..', 400, 'INVALID_FILENAME', valid({ filename: '..' }), /must not be \. or \.\./],
    ['a blank filename', 400, 'INVALID_FILENAME', valid({ filename: ' \t\u00a0' }), /control characters|only whitespace/],
    ['an empty filename', 400, 'INVALID_FILENAME', valid({ filename: '' }), /1 to 255 characters/],
    ['a 256-character filename', 400, 'INVALID_FILENAME', valid({ filename: 'a'.repeat(256) }), /1 to 255 characters/],
    ['no filename', 400, 'INVALID_FILENAME', valid({ filename: undefined }), /must be a string; got nothing/],
    ['a content type off the allow-list', 415, 'UNSUPPORTED_TYPE', valid({ contentType: 'application/x-msdownload' }), /"application\/x-msdownload" is not accepted; accepted types are audio: .*video: .*image: /],
    ['a content type with parameters', 415, 'UNSUPPORTED_TYPE', valid({ contentType: 'video/mp4; codecs=avc1' }), /not accepted/],
    ['no content type', 400, 'INVALID_REQUEST', valid({ contentType: undefined }), /contentType must be a string/],
    ['a zero size', 400, 'INVALID_SIZE', valid({ size: 0 }), /positive whole number of bytes; got 0/],
    ['a fractional size', 400, 'INVALID_SIZE', valid({ size: 10.5 }), /got 10.5/],
    ['a size as a string', 400, 'INVALID_SIZE', valid({ size: '100' }), /got "100"/],
    ['a size past 2^53', 400, 'INVALID_SIZE', valid({ size: 2 ** 53 }), /positive whole number/],
    ['a size over the limit', 413, 'TOO_LARGE', valid({ size: 20 * GiB + 1 }), /size 21474836481 bytes is over the limit of 21474836480 bytes/],
    ['metadata that is a list', 400, 'INVALID_METADATA', valid({ metadata: ['a'] }), /must be an object/],
    ['nested metadata', 400, 'INVALID_METADATA', valid({ metadata: { a: { b: 'c' } } }), /value of a must be a string/],
    ['a numeric metadata value', 400, 'INVALID_METADATA', valid({ metadata: { year: 2026 } }), /value of year must be a string/],
    ['a metadata key with a space', 400, 'INVALID_METADATA', valid({ metadata: { 'my title': 'x' } }), /key "my title" must be/],
    ['a 65-character metadata key', 400, 'INVALID_METADATA', valid({ metadata: { ['k'.repeat(65)]: 'x' } }), /must be 1 to 64 characters/],
    ['metadata over 2 KB', 413, 'METADATA_TOO_LARGE', valid({ metadata: { notes: 'é'.repeat(1022) } }), /2049 bytes of UTF-8 keys and values; the limit is 2048/],
    ['a part size below 5 MiB', 400, 'INVALID_PART_SIZE', valid({ partSize: 5 * MiB - 1 }), /from 5242880 to 5368709120 bytes, got 5242879/],
    ['a part size as a string', 400, 'INVALID_PART_SIZE', valid({ partSize: '8388608' }), /whole number of bytes/],
  ])('answers %s with %i %s and sends nothing to S3 or DynamoDB', async (_name, status, code, body, message) => {
    const response = await post(body);

    expect(response.statusCode).toBe(status);
    expect(response.body.error.code).toBe(code);
    expect(response.body.error.message).toMatch(message);
    expectNothingSent();
  });

  it('answers a __proto__ metadata key with 400 INVALID_METADATA instead of dropping it', async () => {
    const response = await post('{"filename":"a.mp4","contentType":"video/mp4","size":10,"metadata":{"__proto__":"x"}}');

    expect(response).toMatchObject({ statusCode: 400, body: { error: { code: 'INVALID_METADATA' } } });
    expectNothingSent();
  });

  describe('property: every broken rule is refused with its code, and nothing is sent', () => {
    const runs = { numRuns: 300 };
    const notString = fc.oneof(fc.integer(), fc.boolean(), fc.constant(null), fc.array(fc.string()), fc.object());
    const goodName = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 40 }).filter((name) => /^[\p{L}\p{N}][\p{L}\p{N} ._-]*$/u.test(name));

    async function expectRejected(body: unknown, status: number, code: string): Promise<void> {
      s3.resetHistory();
      dynamo.resetHistory();
      const response = await post(body);
      expect(response.statusCode).toBe(status);
      expect(response.body.error.code).toBe(code);
      expect(response.body.error.message.length).toBeGreaterThan(0);
      expectNothingSent();
    }

    it('filenames with a separator, a control character, dots only, blanks, too many characters, or no string', async () => {
      const control = fc.oneof(fc.integer({ min: 0, max: 0x1f }), fc.integer({ min: 0x7f, max: 0x9f })).map((code) => String.fromCharCode(code));
      const bad = fc.oneof(
        fc.tuple(fc.string(), fc.constantFrom('/', '\\'), fc.string()).map(([a, sep, b]) => a + sep + b),
        fc.tuple(fc.string(), control, fc.string()).map(([a, c, b]) => a + c + b),
        fc.constantFrom('.', '..', ''),
        fc.string({ unit: fc.constantFrom(' ', '\u00a0', '\u2003', '\u3000', '\ufeff'), minLength: 1, maxLength: 10 }),
        fc.string({ unit: 'grapheme-ascii', minLength: 256, maxLength: 400 }).filter((name) => !/[/\\\u0000-\u001f\u007f]/.test(name)),
        notString,
      );
      await fc.assert(fc.asyncProperty(bad, (filename) => expectRejected(valid({ filename }), 400, 'INVALID_FILENAME')), runs);
    });

    it('content types off the allow-list', async () => {
      const bad = fc.string().filter((type) => !ALL_TYPES.includes(type.toLowerCase()));
      await fc.assert(fc.asyncProperty(bad, (contentType) => expectRejected(valid({ contentType }), 415, 'UNSUPPORTED_TYPE')), runs);
    });

    it('sizes that are not positive safe integers', async () => {
      const bad = fc.oneof(
        fc.integer({ max: 0 }),
        fc.double().filter((size) => !Number.isSafeInteger(size)),
        fc.string(),
        fc.constant(null),
        fc.boolean(),
      );
      await fc.assert(fc.asyncProperty(bad, (size) => expectRejected(valid({ size }), 400, 'INVALID_SIZE')), runs);
    });

    it('sizes over the limit', async () => {
      const over = fc.integer({ min: policy.maxFileSize + 1, max: Number.MAX_SAFE_INTEGER });
      await fc.assert(fc.asyncProperty(over, (size) => expectRejected(valid({ size }), 413, 'TOO_LARGE')), runs);
    });

    it('metadata that is not a flat object of strings under plain keys', async () => {
      const goodKey = fc.stringMatching(/^[A-Za-z0-9_.-]{1,64}$/);
      const bad = fc.oneof(
        notString.filter((value) => typeof value !== 'object' || value === null || Array.isArray(value)),
        fc.string(),
        fc.tuple(goodKey, notString).map(([key, value]) => ({ [key]: value })),
        fc.string({ maxLength: 80 }).filter((key) => !/^[A-Za-z0-9_.-]{1,64}$/.test(key)).map((key) => ({ [key]: 'v' })),
      );
      await fc.assert(fc.asyncProperty(bad, (metadata) => expectRejected(valid({ metadata }), 400, 'INVALID_METADATA')), runs);
    });

    it('metadata over the byte limit', async () => {
      const big = fc
        .dictionary(fc.stringMatching(/^[a-z]{1,8}$/), fc.string({ unit: 'grapheme', minLength: 100, maxLength: 600 }), { minKeys: 1, maxKeys: 12 })
        .filter((metadata) => Object.entries(metadata).reduce((total, [k, v]) => total + Buffer.byteLength(k) + Buffer.byteLength(v), 0) > policy.maxMetadataBytes);
      await fc.assert(fc.asyncProperty(big, (metadata) => expectRejected(valid({ metadata }), 413, 'METADATA_TOO_LARGE')), runs);
    });

    it('part sizes out of range or not numbers', async () => {
      const bad = fc.oneof(
        fc.integer({ max: 5 * MiB - 1 }),
        fc.integer({ min: 5 * GiB + 1, max: Number.MAX_SAFE_INTEGER }),
        fc.double().filter((size) => !Number.isSafeInteger(size)),
        fc.string(),
        fc.boolean(),
      );
      await fc.assert(fc.asyncProperty(bad, (partSize) => expectRejected(valid({ partSize }), 400, 'INVALID_PART_SIZE')), runs);
    });

    it('bodies that are not objects, or that carry unknown fields', async () => {
      const field = fc.string({ minLength: 1 }).filter((name) => !['filename', 'contentType', 'size', 'metadata', 'partSize'].includes(name) && name !== '__proto__');
      const bad = fc.oneof(
        fc.oneof(fc.integer(), fc.string({ minLength: 1 }).map((text) => JSON.stringify(text)), fc.array(fc.anything()), fc.constant(null)),
        fc.tuple(field, fc.jsonValue()).map(([name, value]) => ({ ...valid(), [name]: value })),
      );
      await fc.assert(fc.asyncProperty(bad, (body) => expectRejected(body, 400, 'INVALID_REQUEST')), runs);
    });

    it('accepts every valid request, with exactly one CreateMultipartUpload and one Put', async () => {
      const good = fc.record(
        {
          filename: goodName,
          contentType: fc.constantFrom(...ALL_TYPES).chain((type) => fc.constantFrom(type, type.toUpperCase())),
          size: fc.integer({ min: 1, max: policy.maxFileSize }),
          metadata: fc.dictionary(fc.stringMatching(/^[A-Za-z0-9_.-]{1,64}$/).filter((key) => key !== '__proto__'), fc.string({ maxLength: 20 }), { maxKeys: 5 }),
        },
        { requiredKeys: ['filename', 'contentType', 'size'] },
      );
      await fc.assert(
        fc.asyncProperty(good, async (body) => {
          s3.resetHistory();
          dynamo.resetHistory();
          const response = await post(body);
          expect(response.statusCode).toBe(201);
          expect(response.body.parts).toHaveLength(Math.min(response.body.partCount, policy.maxPartUrlsPerResponse));
          expect(s3.calls()).toHaveLength(1);
          expect(dynamo.commandCalls(PutCommand)).toHaveLength(1);
          expect(usageWrites()).toHaveLength(1);
          expect(dynamo.commandCalls(PutCommand)[0]?.args[0].input.Item).toMatchObject({
            filename: body.filename,
            size: body.size,
            ...(body.metadata === undefined ? {} : { metadata: body.metadata }),
          });
        }),
        { numRuns: 100 },
      );
    }, 60_000);
  });
});
