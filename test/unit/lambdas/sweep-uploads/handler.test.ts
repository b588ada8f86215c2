import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { GetQueueAttributesCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { ScheduledEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

vi.hoisted(() => {
  process.env.UPLOADS_TABLE = 'uploads-table';
  process.env.USAGE_TABLE = 'usage-table';
  process.env.UPLOADS_BUCKET = 'uploads-bucket';
  process.env.MEDIA_BUCKET = 'media-bucket';
  process.env.INVALIDATION_QUEUE_URL = 'https://sqs.eu-west-1.amazonaws.com/123456789012/invalidations';
  process.env.PROCESS_QUEUE_URL = 'https://sqs.eu-west-1.amazonaws.com/123456789012/process';
  process.env.SWEEP_SETTINGS = JSON.stringify({
    intervalSeconds: 900,
    uploadedStallSeconds: 900,
    processingStallSeconds: 6300,
    queueRetentionSeconds: 345_600,
    maxRequeues: 3,
    outputScanCycleSeconds: 86_400,
  });
});

import { logger } from '../../../../lambdas/shared/logger.js';
import { handler } from '../../../../lambdas/sweep-uploads/handler.js';
import { lambdaContext } from '../../support/lambdaContext.js';

const dynamo = mockClient(DynamoDBDocumentClient);
const sqs = mockClient(SQSClient);
const s3 = mockClient(S3Client);

const tick = { 'detail-type': 'Scheduled Event', source: 'aws.events', detail: {} } as ScheduledEvent;

describe('sweep-uploads handler', () => {
  beforeEach(() => {
    dynamo.reset();
    sqs.reset();
    s3.reset();
    vi.spyOn(logger, 'info').mockImplementation(() => undefined);
    sqs.on(GetQueueAttributesCommand).resolves({ Attributes: { ApproximateNumberOfMessages: '0' } });
    dynamo.on(QueryCommand).resolves({ Items: [] });
    s3.on(ListObjectsV2Command).resolves({});
  });

  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('runs both passes on a scheduled tick and answers what they did', async () => {
    await expect(handler(tick, lambdaContext())).resolves.toEqual({
      stalled: { requeued: 0, failed: 0, skipped: 0, errors: 0 },
      outputs: { checked: 0, removed: 0, objects: 0, errors: 0 },
    });
    expect(dynamo).toHaveReceivedCommandTimes(QueryCommand, 2);
    expect(s3).toHaveReceivedCommandWith(ListObjectsV2Command, { Bucket: 'media-bucket', Prefix: 'media/', Delimiter: '/' });
  });

  it('still checks outputs when the stalled pass cannot run, then fails the run so the schedule retries it', async () => {
    const error = vi.spyOn(logger, 'error').mockImplementation(() => undefined);
    const denied = new Error('AccessDenied');
    sqs.on(GetQueueAttributesCommand).rejects(denied);

    await expect(handler(tick, lambdaContext())).rejects.toThrow('A sweep pass failed (logged above)');

    expect(s3).toHaveReceivedCommand(ListObjectsV2Command);
    expect(error).toHaveBeenCalledWith('A sweep pass failed', { pass: 'stalled', error: denied });
  });
});
