import { DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { DeleteObjectsCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

vi.hoisted(() => {
  process.env.UPLOADS_TABLE = 'uploads-table';
  process.env.USAGE_TABLE = 'usage-table';
  process.env.MEDIA_BUCKET = 'media-bucket';
  process.env.INVALIDATION_QUEUE_URL = 'https://sqs.eu-west-1.amazonaws.com/123456789012/invalidations';
  process.env.PROCESS_MAX_RECEIVE_COUNT = '4';
});

import { failDeadLetters } from '../../../../lambdas/fail-dead-letters/failDeadLetters.js';
import { logger } from '../../../../lambdas/shared/logger.js';
import type { UploadRecord, UploadStatus } from '../../../../lambdas/shared/uploadRecord.js';
import { fakeUploadsTable, uploadRecord } from '../process-upload/fakeUploadsTable.js';
import { deadLetter, s3EventBody } from './deadLetter.js';

const dynamo = mockClient(DynamoDBDocumentClient);
const s3 = mockClient(S3Client);
const sqs = mockClient(SQSClient);

const FAILURE = { code: 'PROCESSING_FAILED', message: 'Processing stopped after 4 attempts; upload the file again or contact support' };

describe('failDeadLetters', () => {
  let table: Map<string, UploadRecord>;
  const seed = (...records: UploadRecord[]) => {
    table = fakeUploadsTable(dynamo, records);
  };

  beforeEach(() => {
    dynamo.reset();
    s3.reset();
    sqs.reset();
    sqs.on(SendMessageCommand).resolves({ MessageId: 'invalidation-1' });
    s3.on(ListObjectsV2Command).resolves({ Contents: [{ Key: 'media/u1/poster.jpg' }] });
    s3.on(DeleteObjectsCommand).resolves({});
    seed();
    for (const level of ['info', 'warn', 'error'] as const) vi.spyOn(logger, level).mockImplementation(() => undefined);
  });

  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('fails an upload left processing with PROCESSING_FAILED, the attempts the queue allows, and no progress or stage', async () => {
    seed(uploadRecord({ status: 'processing', progress: 40, stage: 'transcode' }));

    const results = await failDeadLetters([deadLetter(s3EventBody('uploads/u1/source'), 'm1', 2)]);

    expect(results).toEqual([{ status: 'fulfilled', value: undefined }]);
    expect(dynamo).toHaveReceivedCommandTimes(UpdateCommand, 1);
    expect(dynamo).toHaveReceivedCommandWith(UpdateCommand, {
      TableName: 'uploads-table',
      Key: { uploadId: 'u1' },
      ConditionExpression: '#status IN (:from0, :from1)',
      ExpressionAttributeValues: expect.objectContaining({ ':from0': 'uploaded', ':from1': 'processing', ':to': 'failed', ':p0': FAILURE }),
    });
    const record = table.get('u1')!;
    expect(record).toMatchObject({ status: 'failed', error: FAILURE });
    expect(record).not.toHaveProperty('progress');
    expect(record).not.toHaveProperty('stage');
    expect(logger.error).toHaveBeenCalledWith('Processing of an upload was dead-lettered', {
      uploadId: 'u1',
      messageId: 'm1',
      receiveCount: '2',
      upload: 'failed here',
    });
  });

  it('removes what the runs that died published (the poster comes first), only for an upload it failed', async () => {
    seed(uploadRecord({ uploadId: 'u1', status: 'processing', stage: 'transcode' }), uploadRecord({ uploadId: 'u2', status: 'ready' }));

    await failDeadLetters([deadLetter(s3EventBody('uploads/u1/source'), 'm1', 2), deadLetter(s3EventBody('uploads/u2/source'), 'm2', 2)]);

    expect(s3).toHaveReceivedCommandWith(ListObjectsV2Command, { Bucket: 'media-bucket', Prefix: 'media/u1/' });
    expect(s3).toHaveReceivedCommandExactlyOnceWith(DeleteObjectsCommand, { Bucket: 'media-bucket', Delete: { Objects: [{ Key: 'media/u1/poster.jpg' }], Quiet: true } });
  });

  it('fails an upload still uploaded, whose every run died before claiming it', async () => {
    seed(uploadRecord({ status: 'uploaded' }));

    await failDeadLetters([deadLetter(s3EventBody('uploads/u1/source'))]);

    expect(table.get('u1')).toMatchObject({ status: 'failed', error: FAILURE });
  });

  it('decodes the form-encoded key of the event, as the process function does', async () => {
    seed(uploadRecord({ status: 'processing' }));

    await failDeadLetters([deadLetter(s3EventBody('uploads%2Fu1%2Fsource'))]);

    expect(table.get('u1')).toMatchObject({ status: 'failed' });
  });

  it.each<UploadStatus>(['ready', 'failed', 'cancelled'])('leaves an upload already %s as it is, and still logs the dead letter', async (status) => {
    const before = uploadRecord({ status, error: status === 'failed' ? { code: 'TOO_LONG', message: 'too long' } : undefined });
    seed(before);

    const results = await failDeadLetters([deadLetter(s3EventBody('uploads/u1/source'))]);

    expect(results).toEqual([{ status: 'fulfilled', value: undefined }]);
    expect(table.get('u1')).toEqual(before);
    expect(logger.error).toHaveBeenCalledWith('Processing of an upload was dead-lettered', expect.objectContaining({ uploadId: 'u1', upload: `already ${status}` }));
  });

  it('does nothing for an upload that was removed', async () => {
    const results = await failDeadLetters([deadLetter(s3EventBody('uploads/gone/source'))]);

    expect(results).toEqual([{ status: 'fulfilled', value: undefined }]);
    expect(dynamo).toHaveReceivedCommandWith(GetCommand, { Key: { uploadId: 'gone' } });
    expect(logger.error).toHaveBeenCalledWith('Processing of an upload was dead-lettered', expect.objectContaining({ uploadId: 'gone', upload: 'not found' }));
  });

  it('logs and settles a body that names no upload (not JSON, the S3 test event, another key), so it never comes back', async () => {
    const results = await failDeadLetters([
      deadLetter('not json', 'm1'),
      deadLetter(JSON.stringify({ Service: 'Amazon S3', Event: 's3:TestEvent' }), 'm2'),
      deadLetter(s3EventBody('uploads/u1/source.bak'), 'm3'),
    ]);

    expect(results.map((result) => result.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled']);
    expect(dynamo.calls()).toHaveLength(0);
    expect(logger.error).toHaveBeenCalledWith('A dead-lettered processing event names no upload; dropping it', {
      messageId: 'm1',
      receiveCount: '1',
      body: 'not json',
    });
    expect(logger.error).toHaveBeenCalledTimes(3);
  });

  it('rejects a message whose write failed for a transient reason, and still settles the others', async () => {
    seed(uploadRecord({ uploadId: 'u1', status: 'processing' }), uploadRecord({ uploadId: 'u2', status: 'processing' }));
    const throttled = Object.assign(new Error('Rate of requests exceeds the allowed throughput'), { name: 'ThrottlingException' });
    dynamo.on(UpdateCommand, { Key: { uploadId: 'u1' } }).rejects(throttled);

    const results = await failDeadLetters([deadLetter(s3EventBody('uploads/u1/source'), 'm1'), deadLetter(s3EventBody('uploads/u2/source'), 'm2')]);

    expect(results).toEqual([
      { status: 'rejected', reason: throttled },
      { status: 'fulfilled', value: undefined },
    ]);
    expect(table.get('u1')).toMatchObject({ status: 'processing' });
    expect(table.get('u2')).toMatchObject({ status: 'failed', error: FAILURE });
  });
});
