import { afterEach, describe, expect, it } from 'vitest';
import { EVENTS_ENV, webhookLoopbackAllowed, webhookTargets } from '../../../../lambdas/shared/config.js';

const SECRET_ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:backend-AbCdEf';

function withWebhookUrl(url: string) {
  process.env[EVENTS_ENV.webhooks] = JSON.stringify({ backend: { url, secretArn: SECRET_ARN } });
  return () => webhookTargets();
}

describe('webhookTargets', () => {
  afterEach(() => {
    delete process.env[EVENTS_ENV.webhooks];
  });

  it('takes https anywhere, and plain http only to a receiver on loopback (local mode)', () => {
    for (const url of ['https://hooks.example.com/media', 'http://127.0.0.1:8080/hook', 'http://localhost:9000/', 'http://[::1]:7000/hook']) {
      expect(withWebhookUrl(url)().get('backend')).toEqual({ url, secretArn: SECRET_ARN });
    }
  });

  it('refuses plain http to any other host, naming the webhook: synth cannot read a URL made at deploy time (a token), so the deliverer must', () => {
    for (const url of ['http://hooks.example.com/media', 'http://10.0.0.7/hook', 'http://127.0.0.1.example.com/']) {
      expect(withWebhookUrl(url)).toThrow(/webhook backend .*https/);
    }
  });
});

describe('webhookLoopbackAllowed', () => {
  afterEach(() => {
    delete process.env[EVENTS_ENV.webhookLoopback];
  });

  it('is on only when local mode sets WEBHOOK_LOOPBACK=allow; unset, as the stack leaves it, loopback receivers are refused', () => {
    expect(webhookLoopbackAllowed()).toBe(false);
    process.env[EVENTS_ENV.webhookLoopback] = 'yes';
    expect(webhookLoopbackAllowed()).toBe(false);
    process.env[EVENTS_ENV.webhookLoopback] = 'allow';
    expect(webhookLoopbackAllowed()).toBe(true);
  });
});
