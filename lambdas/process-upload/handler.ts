import middy from '@middy/core';
import sqsPartialBatchFailure from '@middy/sqs-partial-batch-failure';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { logger } from '../shared/logger.js';
import { processingDeadline } from './processingDeadline.js';
import { processMessage } from './processMessage.js';

/**
 * SQS batches of S3 `ObjectCreated` events for originals. Each message settles on its own;
 * the partial-batch middleware reports the rejected ones as `batchItemFailures` (the event
 * source has `reportBatchItemFailures` on), so only those are delivered again.
 */
export const handler = middy<SQSEvent, SQSBatchResponse | PromiseSettledResult<void>[], Error, Context>()
  .use(
    sqsPartialBatchFailure({
      logger: (reason: unknown, record: SQSRecord) =>
        logger.warn('Message left for redelivery', { messageId: record.messageId, error: reason as Error }),
    }),
  )
  .handler(async (event, context) => {
    const deadline = processingDeadline(Date.now(), context.getRemainingTimeInMillis());
    return Promise.allSettled(event.Records.map((message) => processMessage(message, deadline)));
  });
