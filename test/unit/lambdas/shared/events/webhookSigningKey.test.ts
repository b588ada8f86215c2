import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { webhookSigningKey } from '../../../../../lambdas/shared/events/webhookSigningKey.js';

const secretOf = (bytes: number) => `whsec_${Buffer.alloc(bytes, 9).toString('base64')}`;

describe('webhookSigningKey', () => {
  it.each([24, 32, 64])('takes whsec_ and the base64 of %i bytes, giving the key standardwebhooks signs with', (bytes) => {
    const secret = secretOf(bytes);
    const result = webhookSigningKey(secret);

    expect(result).toEqual({ key: new Uint8Array(Buffer.alloc(bytes, 9)) });
    const key = (result as { key: Uint8Array }).key;
    const at = new Date();
    expect(new Webhook(key, { format: 'raw' }).sign('msg_1', at, '{}')).toBe(new Webhook(secret).sign('msg_1', at, '{}'));
  });

  it('takes the base64 without the prefix, as the standardwebhooks package does', () => {
    expect(webhookSigningKey(Buffer.alloc(32, 9).toString('base64'))).toEqual({ key: new Uint8Array(Buffer.alloc(32, 9)) });
  });

  it.each([
    [0, 'it is not whsec_ and the base64 of a key (standard alphabet, with padding)'],
    [1, 'its key is 1 bytes, outside the 24 to 64 random bytes Standard Webhooks asks for'],
    [23, 'its key is 23 bytes, outside the 24 to 64 random bytes Standard Webhooks asks for'],
    [65, 'its key is 65 bytes, outside the 24 to 64 random bytes Standard Webhooks asks for'],
  ])('refuses a key of %i bytes', (bytes, why) => {
    expect(webhookSigningKey(secretOf(bytes))).toEqual({ refused: why });
  });

  it.each([
    ['characters outside base64', `whsec_${'A'.repeat(40)}!!!!`],
    ['the URL-safe alphabet', `whsec_${Buffer.alloc(33, 0xfb).toString('base64url')}`],
    ['missing padding', secretOf(32).replace(/=+$/, '')],
    ['spaces inside', `whsec_${Buffer.alloc(30, 9).toString('base64').replace(/(.{8})/, '$1 ')}`],
    ['the prefix alone', 'whsec_'],
  ])('refuses %s: Node would decode it leniently into some other key', (_what, secret) => {
    expect(webhookSigningKey(secret)).toEqual({ refused: 'it is not whsec_ and the base64 of a key (standard alphabet, with padding)' });
  });

  it('never puts any of the secret in its reason', () => {
    const secret = secretOf(16);
    const result = webhookSigningKey(secret) as { refused: string };
    expect(result.refused).not.toContain(secret.slice(6, 14));
  });
});
