import { createHash } from 'node:crypto';
import { type AwsJsonAnswer, startAwsJsonEndpoint } from '../awsJson/startAwsJsonEndpoint.js';
import type { LocalCredentials } from '../localDefaults.js';

/** A local queue as the endpoint serves it. */
export interface EndpointQueue {
  readonly name: string;
  /** Queues a message body; returns its id. */
  send(body: string): string;
  /** SQS's ApproximateNumberOfMessages. */
  visibleCount(): number;
  /** SQS's ChangeMessageVisibility of a message in flight; false for a handle no message in flight has. @default - not served */
  changeVisibility?(receiptHandle: string, seconds: number): boolean;
}

export interface SqsEndpointOptions {
  /** Always a loopback address: it serves local mode's functions only. */
  readonly host: string;
  readonly port: number;
  /** Local mode's key pair: only requests signed with it are taken. */
  readonly credentials: LocalCredentials;
  readonly accountId: string;
  readonly queues: readonly EndpointQueue[];
}

export interface SqsEndpoint {
  readonly endpoint: string;
  /** The URL the SDK names the queue by (QueueUrl). */
  queueUrl(name: string): string;
  stop(): Promise<void>;
}

/** SQS's own limit on a message, plus room for the JSON around it. */
const MAX_REQUEST_BYTES = 256 * 1024 + 4096;

/**
 * The part of SQS's JSON protocol (`x-amz-target: AmazonSQS.<Operation>`) that local mode's
 * functions call: SendMessage, answered with the MD5 of the body the SDK checks,
 * GetQueueAttributes for the message count, and ChangeMessageVisibility (a delivery's backoff)
 * on queues that serve it. Messages sent go to the local event queues, so a function that
 * sends to the process queue reaches the process function as on AWS. Only requests signed with
 * local mode's key get there (startAwsJsonEndpoint): a message on the webhook queue is signed
 * with the webhook's real secret and POSTed.
 */
export async function startSqsEndpoint(options: SqsEndpointOptions): Promise<SqsEndpoint> {
  const byPath = new Map(options.queues.map((queue) => [`/${options.accountId}/${queue.name}`, queue]));
  const operation = (name: Operation) => (input: Readonly<Record<string, unknown>>) => handle(name, input, byPath);
  const server = await startAwsJsonEndpoint({
    host: options.host,
    port: options.port,
    signingName: 'sqs',
    credentials: options.credentials,
    contentType: 'application/x-amz-json-1.0',
    maxRequestBytes: MAX_REQUEST_BYTES,
    operations: {
      'AmazonSQS.SendMessage': operation('SendMessage'),
      'AmazonSQS.GetQueueAttributes': operation('GetQueueAttributes'),
      'AmazonSQS.ChangeMessageVisibility': operation('ChangeMessageVisibility'),
    },
  });
  return {
    endpoint: server.endpoint,
    queueUrl: (name) => `${server.endpoint}/${options.accountId}/${name}`,
    stop: server.stop,
  };
}

type Operation = 'SendMessage' | 'GetQueueAttributes' | 'ChangeMessageVisibility';

function handle(operation: Operation, input: Readonly<Record<string, unknown>>, queues: ReadonlyMap<string, EndpointQueue>): AwsJsonAnswer {
  const queue = typeof input.QueueUrl === 'string' ? queues.get(pathOf(input.QueueUrl)) : undefined;
  if (!queue) {
    return failure(400, 'com.amazonaws.sqs#QueueDoesNotExist', 'The specified queue does not exist.', 'AWS.SimpleQueueService.NonExistentQueue;Sender');
  }
  if (operation === 'ChangeMessageVisibility') {
    const seconds = input.VisibilityTimeout;
    if (typeof seconds !== 'number' || !Number.isInteger(seconds) || seconds < 0 || seconds > 43_200) {
      return failure(400, 'com.amazonaws.sqs#InvalidParameterValue', 'VisibilityTimeout must be whole seconds from 0 to 43200', 'InvalidParameterValue;Sender');
    }
    if (typeof input.ReceiptHandle !== 'string' || !queue.changeVisibility?.(input.ReceiptHandle, seconds)) {
      return failure(400, 'com.amazonaws.sqs#ReceiptHandleIsInvalid', 'The input receipt handle is invalid.', 'ReceiptHandleIsInvalid;Sender');
    }
    return { status: 200, body: {} };
  }
  if (operation === 'GetQueueAttributes') {
    return { status: 200, body: { Attributes: { ApproximateNumberOfMessages: String(queue.visibleCount()) } } };
  }
  if (typeof input.MessageBody !== 'string' || input.MessageBody === '') {
    return failure(400, 'com.amazonaws.sqs#InvalidParameterValue', 'MessageBody must be a non-empty string', 'InvalidParameterValue;Sender');
  }
  const messageId = queue.send(input.MessageBody);
  return { status: 200, body: { MessageId: messageId, MD5OfMessageBody: createHash('md5').update(input.MessageBody).digest('hex') } };
}

/** An SQS error, with the query-protocol code the SDK maps it to (`x-amzn-query-error`). */
function failure(status: number, type: string, message: string, queryError: string): AwsJsonAnswer {
  return { status, body: { __type: type, message }, headers: { 'x-amzn-query-error': queryError } };
}

function pathOf(queueUrl: string): string {
  try {
    return new URL(queueUrl).pathname;
  } catch {
    return '';
  }
}
