import { DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { DeleteObjectsCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

vi.hoisted(() => {
  process.env.UPLOADS_TABLE = 'uploads-table';
  process.env.USAGE_TABLE = 'usage-table';
  process.env.MEDIA_BUCKET = 'media-bucket';
  process.env.INVALIDATION_QUEUE_URL = 'https://sqs.eu-west-1.amazonaws.com/123456789012/invalidations';
});

import { handler } from '../../../../lambdas/fail-dead-letters/handler.js';
import { logger } from '../../../../lambdas/shared/logger.js';
import type { UploadRecord } from '../../../../lambdas/shared/uploadRecord.js';
import { lambdaContext } from '../../support/lambdaContext.js';
import { fakeUploadsTable, uploadRecord } from '../process-upload/fakeUploadsTable.js';
import { deadLetter, s3EventBody } from './deadLetter.js';

const dynamo = mockClient(DynamoDBDocumentClient);
const s3 = mockClient(S3Client);
const sqs = mockClient(SQSClient);

describe('fail-dead-letters handler', () => {
  let table: Map<string, UploadRecord>;

  beforeEach(() => {
    dynamo.reset();
    s3.reset();
    sqs.reset();
    sqs.on(SendMessageCommand).resolves({ MessageId: 'invalidation-1' });
    s3.on(ListObjectsV2Command).resolves({ Contents: [{ Key: 'media/u1/poster.jpg' }] });
    s3.on(DeleteObjectsCommand).resolves({});
    table = fakeUploadsTable(dynamo, [uploadRecord({ uploadId: 'u1', status: 'processing' }), uploadRecord({ uploadId: 'u2', status: 'processing' })]);
    for (const level of ['info', 'warn', 'error'] as const) vi.spyOn(logger, level).mockImplementation(() => undefined);
  });

  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('reports only the dead letters it could not settle as batch item failures', async () => {
    dynamo.on(UpdateCommand, { Key: { uploadId: 'u2' } }).rejects(new Error('socket hang up'));

    const response = await handler(
      { Records: [deadLetter(s3EventBody('uploads/u1/source'), 'm1'), deadLetter(s3EventBody('uploads/u2/source'), 'm2'), deadLetter('not json', 'm3')] },
      lambdaContext(),
    );

    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: 'm2' }] });
    expect(table.get('u1')).toMatchObject({ status: 'failed', error: { code: 'PROCESSING_FAILED', message: expect.stringContaining('after 3 attempts') } });
    expect(logger.warn).toHaveBeenCalledWith('Dead letter left for redelivery', { messageId: 'm2', error: expect.objectContaining({ message: 'socket hang up' }) });
  });
});
