import middy from '@middy/core';
import type { Context, DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { publishStateEvents } from './publishStateEvents.js';

/**
 * Batches of the Uploads table's stream (NEW_IMAGE), beside the live-progress publisher. The
 * event source reports batch item failures, so an event EventBridge did not take is put again.
 */
export const handler = middy<DynamoDBStreamEvent, DynamoDBBatchResponse, Error, Context>().handler(publishStateEvents);
