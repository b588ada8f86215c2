import middy from '@middy/core';
import sqsPartialBatchFailure from '@middy/sqs-partial-batch-failure';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { logger } from '../shared/logger.js';
import { failDeadLetters } from './failDeadLetters.js';

/**
 * SQS batches from the processing dead-letter queue. A message whose upload could not be
 * written is reported in `batchItemFailures` (the event source has `reportBatchItemFailures`
 * on), so only it is received again.
 */
export const handler = middy<SQSEvent, SQSBatchResponse | PromiseSettledResult<void>[], Error, Context>()
  .use(
    sqsPartialBatchFailure({
      logger: (reason: unknown, record: SQSRecord) =>
        logger.warn('Dead letter left for redelivery', { messageId: record.messageId, error: reason as Error }),
    }),
  )
  .handler(async (event) => failDeadLetters(event.Records));
