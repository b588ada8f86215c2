import { fromCanonicalBase64 } from '../fromCanonicalBase64.js';

/** Standard Webhooks' prefix of a signing secret. */
const PREFIX = 'whsec_';

/** The key sizes Standard Webhooks asks for: at least 24 random bytes (192 bits), at most 64. */
export const MIN_WEBHOOK_KEY_BYTES = 24;
export const MAX_WEBHOOK_KEY_BYTES = 64;

export type WebhookSigningKey = { readonly key: Uint8Array } | { readonly refused: string };

/**
 * The HMAC key of a Standard Webhooks secret (`whsec_` and the base64 of the key; the prefix is
 * optional, as the `standardwebhooks` package has it), or why it is refused: not canonical
 * base64 with padding, or a key outside 24 to 64 bytes. A short key is one an attacker could
 * guess by trying, and signs deliveries a receiver would trust. The reason names sizes only,
 * never a byte of the secret, so it can be logged.
 */
export function webhookSigningKey(secret: string): WebhookSigningKey {
  const encoded = secret.startsWith(PREFIX) ? secret.slice(PREFIX.length) : secret;
  const key = encoded === '' ? undefined : fromCanonicalBase64(encoded);
  if (key === undefined) {
    return { refused: `it is not ${PREFIX} and the base64 of a key (standard alphabet, with padding)` };
  }
  if (key.length < MIN_WEBHOOK_KEY_BYTES || key.length > MAX_WEBHOOK_KEY_BYTES) {
    return {
      refused: `its key is ${key.length} bytes, outside the ${MIN_WEBHOOK_KEY_BYTES} to ${MAX_WEBHOOK_KEY_BYTES} random bytes Standard Webhooks asks for`,
    };
  }
  return { key: new Uint8Array(key) };
}
