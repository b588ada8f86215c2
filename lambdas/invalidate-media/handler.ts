import middy from '@middy/core';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { invalidateMedia } from './invalidateMedia.js';

/**
 * SQS batches of invalidation requests (the event source has `reportBatchItemFailures` on): one
 * CloudFront invalidation per batch, and the messages it could not cover reported back for a later try.
 */
export const handler = middy<SQSEvent, SQSBatchResponse, Error, Context>().handler(async (event) => invalidateMedia(event.Records));
