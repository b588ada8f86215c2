import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { ChangeMessageVisibilityCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { SQSRecord } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { Webhook } from 'standardwebhooks';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

const SECRET = `whsec_${Buffer.alloc(32, 7).toString('base64')}`;
const QUEUE_URL = 'https://sqs.eu-west-1.amazonaws.com/123456789012/webhooks';

vi.hoisted(() => {
  process.env.WEBHOOK_QUEUE_URL = 'https://sqs.eu-west-1.amazonaws.com/123456789012/webhooks';
  process.env.WEBHOOKS = JSON.stringify({
    backend: { url: 'https://hooks.example.com/media', secretArn: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:backend-AbCdEf' },
    // URLs made at deploy time reach the deliverer unchecked by synth.
    metadata: { url: 'https://169.254.169.254/latest/meta-data/', secretArn: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:backend-AbCdEf' },
    runtime: { url: 'http://127.0.0.1:9001/2018-06-01/runtime/invocation/next', secretArn: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:backend-AbCdEf' },
    mapped: { url: 'https://[::ffff:10.0.0.1]/hooks', secretArn: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:backend-AbCdEf' },
  });
  process.env.WEBHOOK_RETRY_DELAYS = JSON.stringify([5, 300, 1800]);
});

import { handler } from '../../../../lambdas/deliver-webhooks/handler.js';
import { forgetWebhookSecrets } from '../../../../lambdas/deliver-webhooks/webhookSecrets.js';
import { logger } from '../../../../lambdas/shared/logger.js';
import { lambdaContext } from '../../support/lambdaContext.js';

const sqs = mockClient(SQSClient);
const secrets = mockClient(SecretsManagerClient);

const EVENT = {
  version: '0',
  id: 'eb-1',
  source: 'media-pipeline',
  'detail-type': 'Upload Ready',
  time: '2025-03-01T12:00:06Z',
  detail: { eventId: 'u1.ready', previousStatus: 'processing', ownerId: 'owner-1', upload: { uploadId: 'u1', status: 'ready' } },
};

function message(messageId: string, body: unknown, receiveCount = 1): SQSRecord {
  return {
    messageId,
    receiptHandle: `r-${messageId}`,
    body: typeof body === 'string' ? body : JSON.stringify(body),
    attributes: { ApproximateReceiveCount: String(receiveCount), SentTimestamp: '0', SenderId: 'events', ApproximateFirstReceiveTimestamp: '0' },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:eu-west-1:123456789012:webhooks',
    awsRegion: 'eu-west-1',
  };
}

const deliver = (records: SQSRecord[]) => handler({ Records: records }, lambdaContext());

/** What the receiver was sent, per try. */
let requests: { url: string; headers: Record<string, string>; body: string }[];
let answer: () => Promise<Response>;

describe('Function: deliver-webhooks', () => {
  beforeEach(() => {
    sqs.reset();
    secrets.reset();
    forgetWebhookSecrets();
    secrets.on(GetSecretValueCommand).resolves({ SecretString: SECRET });
    requests = [];
    answer = async () => new Response(null, { status: 204 });
    vi.stubGlobal('fetch', async (url: string, init: RequestInit) => {
      requests.push({ url, headers: init.headers as Record<string, string>, body: String(init.body) });
      return answer();
    });
    vi.spyOn(logger, 'warn').mockImplementation(() => undefined);
    vi.spyOn(logger, 'error').mockImplementation(() => undefined);
    vi.spyOn(logger, 'info').mockImplementation(() => undefined);
  });

  afterEach(() => {
    vi.unstubAllGlobals();
    vi.restoreAllMocks();
  });

  it('POSTs a Standard Webhooks delivery that verifies with the secret: webhook-id is the event id, the body is { type, timestamp, data }', async () => {
    const result = await deliver([message('m1', { webhook: 'backend', event: EVENT })]);

    expect(result).toEqual({ batchItemFailures: [] });
    expect(requests).toHaveLength(1);
    const [request] = requests;
    expect(request?.url).toBe('https://hooks.example.com/media');
    expect(request?.headers['webhook-id']).toBe('u1.ready');
    const verified = new Webhook(SECRET).verify(request?.body ?? '', request?.headers ?? {});
    expect(verified).toEqual({ type: 'upload.ready', timestamp: '2025-03-01T12:00:06Z', data: EVENT.detail });
    expect(() => new Webhook(`whsec_${Buffer.alloc(32, 8).toString('base64')}`).verify(request?.body ?? '', request?.headers ?? {})).toThrow();
    expect(secrets).toHaveReceivedCommandWith(GetSecretValueCommand, { SecretId: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:backend-AbCdEf' });
    expect(sqs).not.toHaveReceivedCommand(ChangeMessageVisibilityCommand);
  });

  it.each([
    ['a 500', async () => new Response('down', { status: 500 })],
    ['a redirect', async () => new Response(null, { status: 302, headers: { location: 'https://elsewhere.example.com' } })],
    ['a network error', async () => Promise.reject(new TypeError('fetch failed'))],
  ])('hides a delivery that got %s for the wait of its try and reports it failed', async (_what, failing) => {
    answer = failing;

    const result = await deliver([message('m1', { webhook: 'backend', event: EVENT }, 2)]);

    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: 'm1' }] });
    expect(sqs).toHaveReceivedCommandWith(ChangeMessageVisibilityCommand, { QueueUrl: QUEUE_URL, ReceiptHandle: 'r-m1', VisibilityTimeout: 300 });
  });

  it('on the last try (receive count = delays + 1) waits no more: the next receive dead-letters it', async () => {
    answer = async () => new Response(null, { status: 503 });

    const result = await deliver([message('m1', { webhook: 'backend', event: EVENT }, 4)]);

    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: 'm1' }] });
    expect(sqs).toHaveReceivedCommandWith(ChangeMessageVisibilityCommand, { VisibilityTimeout: 0 });
  });

  it('fails only the deliveries that failed, and sends the same id and body on every try of one event', async () => {
    let tries = 0;
    answer = async () => new Response(null, { status: ++tries === 1 ? 500 : 200 });

    const first = await deliver([message('m1', { webhook: 'backend', event: EVENT })]);
    const second = await deliver([message('m1', { webhook: 'backend', event: EVENT }, 2)]);

    expect(first.batchItemFailures).toHaveLength(1);
    expect(second.batchItemFailures).toHaveLength(0);
    expect(requests[0]?.headers['webhook-id']).toBe(requests[1]?.headers['webhook-id']);
    expect(requests[0]?.body).toBe(requests[1]?.body);
  });

  it('sends nothing for a message that is no delivery or names an unknown webhook, and lets it come back at once toward the dead-letter queue', async () => {
    const result = await deliver([message('m1', 'not json'), message('m2', { webhook: 'elsewhere', event: EVENT }), message('m3', { webhook: 'backend', event: { ...EVENT, source: 'someone-else' } })]);

    expect(result.batchItemFailures.map((failure) => failure.itemIdentifier)).toEqual(['m1', 'm2', 'm3']);
    expect(requests).toEqual([]);
    expect(sqs).toHaveReceivedCommandWith(ChangeMessageVisibilityCommand, { ReceiptHandle: 'r-m2', VisibilityTimeout: 0 });
  });

  it.each([
    ['metadata', 'https://169.254.169.254/latest/meta-data/', 'its host 169.254.169.254 is a link-local address'],
    ['runtime', 'http://127.0.0.1:9001/2018-06-01/runtime/invocation/next', 'its host 127.0.0.1 is a loopback address'],
    ['mapped', 'https://[::ffff:10.0.0.1]/hooks', 'its host [::ffff:a00:1] is a private address'],
  ])('refuses to send to the webhook %s, whose URL points inside, and fails the delivery with the reason, retried like any failure', async (webhook, url, why) => {
    const result = await deliver([message('m1', { webhook, event: EVENT })]);

    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: 'm1' }] });
    expect(requests).toEqual([]);
    expect(secrets).not.toHaveReceivedCommand(GetSecretValueCommand);
    expect(sqs).toHaveReceivedCommandWith(ChangeMessageVisibilityCommand, { ReceiptHandle: 'r-m1', VisibilityTimeout: 5 });
    expect(logger.warn).toHaveBeenCalledWith(
      'A webhook delivery failed; it is tried again later',
      expect.objectContaining({ webhook, reason: `the webhook's URL ${url} is refused: ${why}: a delivery would reach the deployer's own network or the Lambda runtime, not a receiver` }),
    );
  });

  it.each([
    ['a 16-byte key', `whsec_${Buffer.alloc(16, 1).toString('base64')}`, 'its key is 16 bytes, outside the 24 to 64 random bytes Standard Webhooks asks for'],
    ['a 65-byte key', `whsec_${Buffer.alloc(65, 1).toString('base64')}`, 'its key is 65 bytes, outside the 24 to 64 random bytes Standard Webhooks asks for'],
    ['no base64', 'whsec_not base64 at all!', 'it is not whsec_ and the base64 of a key (standard alphabet, with padding)'],
    ['base64 without its padding', `whsec_${Buffer.alloc(32, 1).toString('base64').replace(/=+$/, '')}`, 'it is not whsec_ and the base64 of a key'],
  ])('refuses a signing secret with %s: sends nothing and fails the delivery naming the secret and why, never its value', async (_what, secret, why) => {
    secrets.on(GetSecretValueCommand).resolves({ SecretString: secret });

    const result = await deliver([message('m1', { webhook: 'backend', event: EVENT })]);

    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: 'm1' }] });
    expect(requests).toEqual([]);
    expect(sqs).toHaveReceivedCommandWith(ChangeMessageVisibilityCommand, { ReceiptHandle: 'r-m1', VisibilityTimeout: 5 });
    const warned = vi.mocked(logger.warn).mock.calls.map(([, details]) => details as { reason?: string });
    expect(warned).toEqual([
      expect.objectContaining({
        reason: expect.stringContaining(`the signing secret arn:aws:secretsmanager:eu-west-1:123456789012:secret:backend-AbCdEf is refused: ${why}`),
      }),
    ]);
    expect(JSON.stringify(warned)).not.toContain(secret.slice('whsec_'.length, 'whsec_'.length + 12));
  });

  it('keeps a refused secret for the 5-minute cache like a good one: a rotated secret signs the next try after that, with one read meanwhile', async () => {
    vi.useFakeTimers({ toFake: ['Date'], now: new Date('2025-03-01T12:00:00Z') });
    try {
      secrets.on(GetSecretValueCommand).resolves({ SecretString: `whsec_${Buffer.alloc(16, 1).toString('base64')}` });
      const first = await deliver([message('m1', { webhook: 'backend', event: EVENT })]);
      // Rotated at once; this container still holds the refused value.
      secrets.on(GetSecretValueCommand).resolves({ SecretString: SECRET });
      vi.setSystemTime(new Date('2025-03-01T12:00:05Z'));
      const second = await deliver([message('m1', { webhook: 'backend', event: EVENT }, 2)]);
      vi.setSystemTime(new Date('2025-03-01T12:05:05Z'));
      const third = await deliver([message('m1', { webhook: 'backend', event: EVENT }, 3)]);

      expect([first, second].map((result) => result.batchItemFailures.length)).toEqual([1, 1]);
      expect(third).toEqual({ batchItemFailures: [] });
      expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(2);
      expect(requests).toHaveLength(1);
      expect(new Webhook(SECRET).verify(requests[0]?.body ?? '', requests[0]?.headers ?? {})).toMatchObject({ type: 'upload.ready' });
    } finally {
      vi.useRealTimers();
    }
  });

  it('retries later when the secret cannot be read or is no Standard Webhooks secret, sending nothing', async () => {
    secrets.on(GetSecretValueCommand).resolvesOnce({ SecretString: 'not-base64-!!' }).rejects(new Error('AccessDenied'));

    const bad = await deliver([message('m1', { webhook: 'backend', event: EVENT })]);
    forgetWebhookSecrets();
    const unreadable = await deliver([message('m2', { webhook: 'backend', event: EVENT })]);

    expect([...bad.batchItemFailures, ...unreadable.batchItemFailures]).toHaveLength(2);
    expect(requests).toEqual([]);
    expect(sqs).toHaveReceivedCommandWith(ChangeMessageVisibilityCommand, { ReceiptHandle: 'r-m2', VisibilityTimeout: 5 });
  });
});
