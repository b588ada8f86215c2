import { describe, expect, it } from 'vitest';
import { checkLocalWebhooks } from '../../../../local/events/checkLocalWebhooks.js';

const SECRET = `whsec_${Buffer.alloc(32, 3).toString('base64')}`;

describe('checkLocalWebhooks', () => {
  it.each(['http://127.0.0.1:4000/hooks', 'http://[::1]:4000/hooks', 'http://localhost:4000/hooks', 'https://localhost:4443/hooks', 'https://hooks.example.com/in'])(
    'takes %s: a receiver on loopback, or https elsewhere',
    (url) => {
      expect(() => checkLocalWebhooks([{ id: 'backend', url, secret: SECRET }])).not.toThrow();
    },
  );

  it.each([
    ['https://192.168.1.20/hooks', '192.168.1.20 is a private address'],
    ['https://169.254.169.254/latest/meta-data/', '169.254.169.254 is a link-local address'],
    ['https://[fd00::1]/hooks', '[fd00::1] is a unique-local address'],
  ])('refuses %s, as the deliverer would at each send', (url, why) => {
    expect(() => checkLocalWebhooks([{ id: 'backend', url, secret: SECRET }])).toThrow(
      `webhooks[0].url must be on loopback or outside this machine's network, got '${url}': its host ${why}`,
    );
  });

  it.each([
    [{ id: 'a', url: 'http://192.168.1.20/in', secret: SECRET }, "webhooks[0].url must be https://, or http:// on a loopback host (127.0.0.1, ::1, localhost), got 'http://192.168.1.20/in'"],
    [{ id: 'a b', url: 'https://hooks.example.com/in', secret: SECRET }, "webhooks[0].id must be 1 to 64 letters, digits and hyphens, got 'a b'"],
    [{ id: 'a', url: 'https://hooks.example.com/in', secret: SECRET, events: ['Upload Done' as never] }, "webhooks[0].events has 'Upload Done'"],
  ])('refuses %j, naming it', (webhook, message) => {
    expect(() => checkLocalWebhooks([webhook])).toThrow(message);
  });

  it.each([
    ['no whsec_ prefix', Buffer.alloc(32, 3).toString('base64'), 'it does not start with whsec_'],
    ['a 16-byte key', `whsec_${Buffer.alloc(16, 3).toString('base64')}`, 'its key is 16 bytes, outside the 24 to 64 random bytes Standard Webhooks asks for'],
    ['no base64', 'whsec_short!', 'it is not whsec_ and the base64 of a key (standard alphabet, with padding)'],
  ])('refuses a secret with %s, naming why but not the secret', (_what, secret, why) => {
    expect(() => checkLocalWebhooks([{ id: 'backend', url: 'http://127.0.0.1:4000/hooks', secret }])).toThrow(
      `webhooks[0].secret must be a Standard Webhooks secret, whsec_ and the base64 of 24 to 64 random bytes: ${why}`,
    );
  });
});
