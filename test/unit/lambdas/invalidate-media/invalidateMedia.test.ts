import { CloudFrontClient, CreateInvalidationCommand, TooManyInvalidationsInProgress } from '@aws-sdk/client-cloudfront';
import { ChangeMessageVisibilityBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { SQSRecord } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

vi.hoisted(() => {
  process.env.DISTRIBUTION_ID = 'E2EXAMPLE123';
  process.env.INVALIDATION_QUEUE_URL = 'https://sqs.eu-west-1.amazonaws.com/123456789012/invalidations';
});

import { handler } from '../../../../lambdas/invalidate-media/handler.js';
import {
  callerReference,
  FIRST_RETRY_DELAY_SECONDS,
  invalidateMedia,
  MAX_RETRY_DELAY_SECONDS,
  retryDelaySeconds,
} from '../../../../lambdas/invalidate-media/invalidateMedia.js';
import { MAX_WILDCARD_PATHS } from '../../../../lambdas/invalidate-media/cloudFrontLimits.js';
import { logger } from '../../../../lambdas/shared/logger.js';
import { lambdaContext } from '../../support/lambdaContext.js';

const cloudFront = mockClient(CloudFrontClient);
const sqs = mockClient(SQSClient);

const QUEUE_URL = 'https://sqs.eu-west-1.amazonaws.com/123456789012/invalidations';
const uploadId = (n: number) => `0b8f6a52-3c1e-4d2a-9f7b-${String(n).padStart(12, '0')}`;

/** A message as the invalidation queue's event source hands it over. */
function request(messageId: string, body: unknown, receiveCount = 1): SQSRecord {
  return {
    messageId,
    receiptHandle: `r-${messageId}`,
    body: typeof body === 'string' ? body : JSON.stringify(body),
    attributes: {
      ApproximateReceiveCount: String(receiveCount),
      SentTimestamp: '0',
      SenderId: 'AROAEXAMPLE',
      ApproximateFirstReceiveTimestamp: '0',
    },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:eu-west-1:123456789012:invalidations',
    awsRegion: 'eu-west-1',
  };
}

const busy = () => new TooManyInvalidationsInProgress({ message: 'Processing your request will cause you to exceed the maximum number of in-progress wildcard invalidations.', $metadata: { httpStatusCode: 400 } });

describe('invalidateMedia', () => {
  beforeEach(() => {
    cloudFront.reset();
    sqs.reset();
    cloudFront.on(CreateInvalidationCommand).resolves({ Invalidation: { Id: 'I1', Status: 'InProgress', CreateTime: new Date(), InvalidationBatch: undefined } });
    sqs.on(ChangeMessageVisibilityBatchCommand).resolves({ Successful: [], Failed: [] });
    for (const level of ['info', 'warn', 'error'] as const) vi.spyOn(logger, level).mockImplementation(() => undefined);
  });

  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('invalidates /media/{id}/* of every requested upload in one CreateInvalidation on the distribution, and reports no failure', async () => {
    const records = [request('m1', { uploadId: uploadId(1) }), request('m2', { uploadId: uploadId(2) })];

    const response = await invalidateMedia(records);

    expect(response).toEqual({ batchItemFailures: [] });
    expect(cloudFront).toHaveReceivedCommandTimes(CreateInvalidationCommand, 1);
    expect(cloudFront).toHaveReceivedCommandWith(CreateInvalidationCommand, {
      DistributionId: 'E2EXAMPLE123',
      InvalidationBatch: {
        CallerReference: callerReference(['m1', 'm2']),
        Paths: { Quantity: 2, Items: [`/media/${uploadId(1)}/*`, `/media/${uploadId(2)}/*`] },
      },
    });
    expect(sqs).not.toHaveReceivedAnyCommand();
  });

  it('names an upload requested twice in the batch once', async () => {
    await invalidateMedia([request('m1', { uploadId: uploadId(1) }), request('m2', { uploadId: uploadId(1) })]);

    expect(cloudFront).toHaveReceivedCommandWith(CreateInvalidationCommand, {
      InvalidationBatch: { CallerReference: callerReference(['m1', 'm2']), Paths: { Quantity: 1, Items: [`/media/${uploadId(1)}/*`] } },
    });
  });

  it('gives the same messages the same CallerReference in any order, so CloudFront answers a retried batch with the invalidation it made', () => {
    expect(callerReference(['m2', 'm1'])).toBe(callerReference(['m1', 'm2']));
    expect(callerReference(['m1', 'm3'])).not.toBe(callerReference(['m1', 'm2']));
    expect(callerReference(['m1'])).toMatch(/^media-pipeline-[0-9a-f]{40}$/);
  });

  it(`puts at most ${MAX_WILDCARD_PATHS} wildcard paths in one invalidation (CloudFront's in-progress maximum) and returns the other messages`, async () => {
    const records = Array.from({ length: MAX_WILDCARD_PATHS + 2 }, (_unused, index) => request(`m${index}`, { uploadId: uploadId(index) }));

    const response = await invalidateMedia(records);

    const sent = cloudFront.commandCalls(CreateInvalidationCommand)[0]!.args[0].input;
    expect(sent.InvalidationBatch?.Paths?.Quantity).toBe(MAX_WILDCARD_PATHS);
    expect(sent.InvalidationBatch?.Paths?.Items).toEqual(records.slice(0, MAX_WILDCARD_PATHS).map((_record, index) => `/media/${uploadId(index)}/*`));
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: `m${MAX_WILDCARD_PATHS}` }, { itemIdentifier: `m${MAX_WILDCARD_PATHS + 1}` }]);
  });

  it('sends the very same batch for the same messages received again in another order', async () => {
    const one = request('m1', { uploadId: uploadId(1) });
    const two = request('m2', { uploadId: uploadId(2) });
    await invalidateMedia([two, one]);
    await invalidateMedia([one, two]);
    const [first, second] = cloudFront.commandCalls(CreateInvalidationCommand).map((call) => call.args[0].input);
    expect(second).toEqual(first);
  });

  it('counts an invalidation CloudFront already holds under this reference as done (its answer was lost)', async () => {
    const exists = Object.assign(new Error('The caller reference is already in use'), { name: 'InvalidationBatchAlreadyExists' });
    cloudFront.on(CreateInvalidationCommand).rejects(exists);

    const response = await invalidateMedia([request('m1', { uploadId: uploadId(1) })]);

    expect(response).toEqual({ batchItemFailures: [] });
    expect(sqs).not.toHaveReceivedAnyCommand();
  });

  it('while CloudFront has too many invalidations in progress, returns every message after delaying each by a backoff of its receive count', async () => {
    cloudFront.on(CreateInvalidationCommand).rejects(busy());
    const records = [request('m1', { uploadId: uploadId(1) }, 1), request('m2', { uploadId: uploadId(2) }, 3)];

    const response = await invalidateMedia(records);

    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: 'm1' }, { itemIdentifier: 'm2' }] });
    expect(sqs).toHaveReceivedCommandExactlyOnceWith(ChangeMessageVisibilityBatchCommand, {
      QueueUrl: QUEUE_URL,
      Entries: [
        { Id: '0', ReceiptHandle: 'r-m1', VisibilityTimeout: FIRST_RETRY_DELAY_SECONDS },
        { Id: '1', ReceiptHandle: 'r-m2', VisibilityTimeout: 4 * FIRST_RETRY_DELAY_SECONDS },
      ],
    });
    expect(logger.warn).toHaveBeenCalledWith(
      'CloudFront has too many invalidations in progress; the requests wait and are sent again',
      expect.objectContaining({ paths: [`/media/${uploadId(1)}/*`, `/media/${uploadId(2)}/*`] }),
    );
  });

  it('delays messages in calls of ten, the most ChangeMessageVisibilityBatch takes', async () => {
    cloudFront.on(CreateInvalidationCommand).rejects(busy());
    const records = Array.from({ length: 12 }, (_unused, index) => request(`m${index}`, { uploadId: uploadId(index) }));

    await invalidateMedia(records);

    expect(sqs).toHaveReceivedCommandTimes(ChangeMessageVisibilityBatchCommand, 2);
    expect(sqs.commandCalls(ChangeMessageVisibilityBatchCommand).map((call) => call.args[0].input.Entries?.length)).toEqual([10, 2]);
  });

  it('returns every message, logged as an error, when CloudFront fails otherwise (denied, a fault past the retries)', async () => {
    cloudFront.on(CreateInvalidationCommand).rejects(Object.assign(new Error('User is not authorized to perform: cloudfront:CreateInvalidation'), { name: 'AccessDenied' }));

    const response = await invalidateMedia([request('m1', { uploadId: uploadId(1) })]);

    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: 'm1' }] });
    expect(logger.error).toHaveBeenCalledWith('CloudFront did not take the invalidation; the requests wait and are sent again', expect.anything());
    expect(sqs).toHaveReceivedCommandOnce(ChangeMessageVisibilityBatchCommand);
  });

  it('still returns the messages when their delay cannot be set (they come back after the queue visibility timeout)', async () => {
    cloudFront.on(CreateInvalidationCommand).rejects(busy());
    sqs.on(ChangeMessageVisibilityBatchCommand).rejects(new Error('Service unavailable'));

    const response = await invalidateMedia([request('m1', { uploadId: uploadId(1) })]);

    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: 'm1' }] });
  });

  it.each([
    ['not JSON', 'media/x'],
    ['no upload id', { path: '/media/*' }],
    ['an id that is not an upload id', { uploadId: '../*' }],
  ])('returns a message with %s for the dead-letter queue, and invalidates the rest', async (_case, body) => {
    const response = await invalidateMedia([request('bad', body), request('m1', { uploadId: uploadId(1) })]);

    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: 'bad' }] });
    expect(cloudFront).toHaveReceivedCommandWith(CreateInvalidationCommand, {
      InvalidationBatch: { CallerReference: callerReference(['m1']), Paths: { Quantity: 1, Items: [`/media/${uploadId(1)}/*`] } },
    });
    expect(logger.error).toHaveBeenCalledWith('An invalidation request names no upload; it is left for the dead-letter queue', expect.objectContaining({ messageId: 'bad' }));
  });

  it('sends CloudFront nothing for a batch with no request in it', async () => {
    expect(await invalidateMedia([request('bad', '{}')])).toEqual({ batchItemFailures: [{ itemIdentifier: 'bad' }] });
    expect(cloudFront).not.toHaveReceivedAnyCommand();
  });

  it('backs off 1, 2, 4, 8 minutes and then every 15 minutes', () => {
    expect([1, 2, 3, 4, 5, 6, 50].map(retryDelaySeconds)).toEqual([60, 120, 240, 480, MAX_RETRY_DELAY_SECONDS, MAX_RETRY_DELAY_SECONDS, MAX_RETRY_DELAY_SECONDS]);
    expect(retryDelaySeconds(Number.NaN)).toBe(FIRST_RETRY_DELAY_SECONDS);
  });

  it('answers the event source through the handler with the batch item failures', async () => {
    cloudFront.on(CreateInvalidationCommand).rejects(busy());

    const response = await handler({ Records: [request('m1', { uploadId: uploadId(1) })] }, lambdaContext());

    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: 'm1' }] });
  });
});
