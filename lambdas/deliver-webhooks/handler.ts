import middy from '@middy/core';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { deliverWebhooks } from './deliverWebhooks.js';

/** SQS batches of webhook deliveries (the event source has `reportBatchItemFailures` on). */
export const handler = middy<SQSEvent, SQSBatchResponse, Error, Context>().handler(async (event) => deliverWebhooks(event.Records));
