import middy from '@middy/core';
import type { Context, DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { publishStreamRecords } from './publishStreamRecords.js';

/**
 * Batches of the Uploads table's stream (NEW_IMAGE). The event source reports batch item
 * failures, so a write whose subscribers could not be read is handed over again, with the
 * writes after it.
 */
export const handler = middy<DynamoDBStreamEvent, DynamoDBBatchResponse, Error, Context>().handler(publishStreamRecords);
