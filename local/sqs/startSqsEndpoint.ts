import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

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
  /** Always a loopback address: the endpoint checks no signature, so it must not face a network. */
  readonly host: string;
  readonly port: number;
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
 * on queues that serve it. Messages sent go to the local event queues, so a
 * function that sends to the process queue reaches the process function as on AWS.
 */
export async function startSqsEndpoint(options: SqsEndpointOptions): Promise<SqsEndpoint> {
  const byPath = new Map(options.queues.map((queue) => [`/${options.accountId}/${queue.name}`, queue]));

  const server = createServer((request, response) => {
    readBody(request).then(
      (body) => answer(response, handle(request.headers['x-amz-target'], body, byPath)),
      (error: unknown) => answer(response, failure(413, 'RequestEntityTooLarge', (error as Error).message)),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const endpoint = `http://${options.host}:${port}`;
  return {
    endpoint,
    queueUrl: (name) => `${endpoint}/${options.accountId}/${name}`,
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeIdleConnections();
      }),
  };
}

interface Answer {
  readonly status: number;
  readonly body: Record<string, unknown>;
  readonly queryError?: string;
}

function handle(target: string | string[] | undefined, raw: string, queues: ReadonlyMap<string, EndpointQueue>): Answer {
  let input: Record<string, unknown>;
  try {
    input = JSON.parse(raw) as Record<string, unknown>;
    if (typeof input !== 'object' || input === null) throw new TypeError('not an object');
  } catch {
    return failure(400, 'com.amazon.coral.service#SerializationException', 'The request body is not a JSON object');
  }
  const operation = typeof target === 'string' && target.startsWith('AmazonSQS.') ? target.slice('AmazonSQS.'.length) : undefined;
  if (operation !== 'SendMessage' && operation !== 'GetQueueAttributes' && operation !== 'ChangeMessageVisibility') {
    return failure(400, 'com.amazon.coral.service#UnknownOperationException', `Local mode's SQS does not serve ${String(target)}`);
  }
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

function failure(status: number, type: string, message: string, queryError?: string): Answer {
  return { status, body: { __type: type, message }, queryError };
}

function answer(response: ServerResponse, { status, body, queryError }: Answer): void {
  response.writeHead(status, {
    'content-type': 'application/x-amz-json-1.0',
    ...(queryError === undefined ? {} : { 'x-amzn-query-error': queryError }),
  });
  response.end(JSON.stringify(body));
}

function pathOf(queueUrl: string): string {
  try {
    return new URL(queueUrl).pathname;
  } catch {
    return '';
  }
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      // Past the limit the rest is read and dropped, so the answer still reaches the client.
      if (size <= MAX_REQUEST_BYTES) chunks.push(chunk);
    });
    request.on('end', () =>
      size > MAX_REQUEST_BYTES ? reject(new Error(`The request is over ${MAX_REQUEST_BYTES} bytes`)) : resolve(Buffer.concat(chunks).toString('utf8')),
    );
    request.on('error', reject);
  });
}
