import { createHash } from 'node:crypto';
import type { SQSEvent } from 'aws-lambda';

/** A message as the local queue keeps it between receives. */
export interface QueuedMessage {
  readonly messageId: string;
  readonly body: string;
  readonly sentTimestamp: number;
  /** How many times it has been handed to the function, this receive included. */
  readonly receiveCount: number;
  readonly firstReceiveTimestamp: number;
}

export interface SqsQueue {
  readonly arn: string;
  readonly region: string;
}

/** The batch event the SQS event source mapping invokes a function with. */
export function toSqsEvent(messages: readonly QueuedMessage[], queue: SqsQueue): SQSEvent {
  return {
    Records: messages.map((message) => ({
      messageId: message.messageId,
      receiptHandle: Buffer.from(`${message.messageId}:${message.receiveCount}`).toString('base64'),
      body: message.body,
      attributes: {
        ApproximateReceiveCount: String(message.receiveCount),
        SentTimestamp: String(message.sentTimestamp),
        SenderId: 'AIDAIT2UOQQY3AUEKVGXU',
        ApproximateFirstReceiveTimestamp: String(message.firstReceiveTimestamp),
      },
      messageAttributes: {},
      md5OfBody: createHash('md5').update(message.body).digest('hex'),
      eventSource: 'aws:sqs',
      eventSourceARN: queue.arn,
      awsRegion: queue.region,
    })),
  };
}
