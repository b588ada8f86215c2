import { GetQueueAttributesCommand, QueueDoesNotExist, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_ACCESS_KEY_ID, LOCAL_REGION, type LocalCredentials } from '../../local/localDefaults.js';
import { type SqsEndpoint, startSqsEndpoint } from '../../local/sqs/startSqsEndpoint.js';
import { signedJsonHeaders } from '../unit/support/awsJsonSigning.js';

/** The key pair the endpoint takes signatures from, as local mode gives it its data folder's. */
const CREDENTIALS: LocalCredentials = { accessKeyId: LOCAL_ACCESS_KEY_ID, secretAccessKey: 'test-secret' };

/** A request to the endpoint signed with the local key, as the SDK signs (for requests the SDK would not send). */
async function signedPost(target: string, body: string, credentials = CREDENTIALS) {
  const headers = await signedJsonHeaders(endpoint.endpoint, body, { credentials, service: 'sqs', target });
  return fetch(endpoint.endpoint, { method: 'POST', headers, body });
}

const sent: string[] = [];
let waiting = 0;
let endpoint: SqsEndpoint;
let sqs: SQSClient;

beforeAll(async () => {
  endpoint = await startSqsEndpoint({
    host: '127.0.0.1',
    port: 0,
    credentials: CREDENTIALS,
    accountId: '000000000000',
    queues: [
      {
        name: 'events',
        send: (body) => {
          sent.push(body);
          return `m-${sent.length}`;
        },
        visibleCount: () => waiting,
      },
    ],
  });
  sqs = new SQSClient({ endpoint: endpoint.endpoint, region: LOCAL_REGION, credentials: CREDENTIALS });
});

afterAll(async () => {
  sqs?.destroy();
  await endpoint?.stop();
});

describe("local mode's SQS endpoint, through the AWS SDK", () => {
  it('queues a sent message and answers with its id and the MD5 the SDK checks', async () => {
    const result = await sqs.send(new SendMessageCommand({ QueueUrl: endpoint.queueUrl('events'), MessageBody: '{"Records":[]}' }));

    expect(result.MessageId).toBe('m-1');
    expect(sent).toEqual(['{"Records":[]}']);
  });

  it('reports the visible message count', async () => {
    waiting = 7;
    const { Attributes } = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: endpoint.queueUrl('events'), AttributeNames: ['ApproximateNumberOfMessages'] }),
    );
    expect(Attributes).toEqual({ ApproximateNumberOfMessages: '7' });
  });

  it('answers a queue it does not serve as SQS does, and queues nothing', async () => {
    const before = sent.length;
    await expect(
      sqs.send(new SendMessageCommand({ QueueUrl: `${endpoint.endpoint}/000000000000/other`, MessageBody: 'x' })),
    ).rejects.toBeInstanceOf(QueueDoesNotExist);
    expect(sent).toHaveLength(before);
  });

  it('refuses operations it does not serve and bodies that are not JSON', async () => {
    const unknown = await signedPost('AmazonSQS.PurgeQueue', JSON.stringify({ QueueUrl: endpoint.queueUrl('events') }));
    expect(unknown.status).toBe(400);
    expect(await unknown.json()).toMatchObject({ __type: 'UnknownOperationException' });

    const garbled = await signedPost('AmazonSQS.SendMessage', '{');
    expect(garbled.status).toBe(400);
    expect(await garbled.json()).toMatchObject({ __type: 'SerializationException' });
  });

  it('refuses a request larger than a message can be, and queues nothing', async () => {
    const before = sent.length;
    const huge = await signedPost('AmazonSQS.SendMessage', JSON.stringify({ QueueUrl: endpoint.queueUrl('events'), MessageBody: 'x'.repeat(300 * 1024) }));
    expect(huge.status).toBe(413);
    expect(sent).toHaveLength(before);
  });

  it('refuses an unsigned SendMessage with 403 and an AWS-shaped JSON error, and queues nothing', async () => {
    const before = sent.length;
    const unsigned = await fetch(endpoint.endpoint, {
      method: 'POST',
      headers: { 'x-amz-target': 'AmazonSQS.SendMessage', 'content-type': 'application/x-amz-json-1.0' },
      body: JSON.stringify({ QueueUrl: endpoint.queueUrl('events'), MessageBody: '{"webhook":"backend"}' }),
    });
    expect(unsigned.status).toBe(403);
    expect(unsigned.headers.get('content-type')).toBe('application/x-amz-json-1.0');
    expect(await unsigned.json()).toMatchObject({ __type: 'MissingAuthenticationTokenException', message: expect.stringContaining('Request is missing Authentication Token') });
    expect(sent).toHaveLength(before);
  });

  it('refuses a SendMessage the SDK signed with another secret: 403 InvalidSignatureException, nothing queued', async () => {
    const before = sent.length;
    const forger = new SQSClient({ endpoint: endpoint.endpoint, region: LOCAL_REGION, credentials: { ...CREDENTIALS, secretAccessKey: 'S3RVER' }, maxAttempts: 1 });
    try {
      await expect(forger.send(new SendMessageCommand({ QueueUrl: endpoint.queueUrl('events'), MessageBody: 'forged' }))).rejects.toMatchObject({
        name: 'InvalidSignatureException',
        $metadata: { httpStatusCode: 403 },
      });
    } finally {
      forger.destroy();
    }
    expect(sent).toHaveLength(before);
  });
});
