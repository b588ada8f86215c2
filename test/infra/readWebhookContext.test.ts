import { App, Stack } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { importWebhooks, readWebhookContext } from '../../lib/readWebhookContext.js';

const ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:media-webhook-AbCdEf';

describe('readWebhookContext', () => {
  it('reads a JSON list given with -c (a string) or in cdk.json (an array), and imports each secret by its complete ARN', () => {
    const list = [{ id: 'backend', url: 'https://hooks.example.com/media', secretArn: ARN, events: ['Upload Ready'] }];
    const fromFlag = readWebhookContext(new App({ context: { webhooks: JSON.stringify(list) } }).node);
    const fromJson = readWebhookContext(new App({ context: { webhooks: list } }).node);

    expect(fromFlag).toEqual(list);
    expect(fromJson).toEqual(list);
    const [webhook] = importWebhooks(new Stack(new App(), 'S'), fromFlag!);
    expect(webhook).toMatchObject({ id: 'backend', url: 'https://hooks.example.com/media', events: ['Upload Ready'] });
    expect(webhook?.secret.secretArn).toBe(ARN);
  });

  it('is undefined without the key', () => {
    expect(readWebhookContext(new App().node)).toBeUndefined();
  });

  it.each([
    ['not json', "context webhooks must be a JSON array of { id, url, secretArn, events? }, got 'not json'"],
    ['{"id":"a"}', 'context webhooks must be a JSON array'],
    ['[{"id":"a","url":"https://x.example.com"}]', 'context webhooks[0] needs id, url and secretArn (a Secrets Manager secret ARN) as strings'],
    [`[{"id":"a","url":"https://x.example.com","secretArn":"${ARN}","events":"Upload Ready"}]`, 'context webhooks[0].events must be a list of event types'],
  ])('refuses %s, naming the key', (value, message) => {
    expect(() => readWebhookContext(new App({ context: { webhooks: value } }).node)).toThrow(message);
  });
});
