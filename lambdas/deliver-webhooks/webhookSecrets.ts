import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { secretsManagerEndpoint } from '../shared/config.js';
import { ConfigError } from '../shared/errors.js';
import { webhookSigningKey } from '../shared/events/webhookSigningKey.js';

const localEndpoint = secretsManagerEndpoint();
const client = new SecretsManagerClient(localEndpoint ? { endpoint: localEndpoint } : {});

/** How long a read secret is used: a rotated secret signs within this. */
export const SECRET_CACHE_MS = 5 * 60_000;

/** A secret that was read but cannot sign: empty, too short, too long or not base64. */
export class WebhookSecretRefusedError extends ConfigError {
  constructor(message: string) {
    super(message);
    this.name = 'WebhookSecretRefusedError';
  }
}

const cache = new Map<string, { readonly key: Promise<Uint8Array>; readonly readAt: number }>();

/**
 * The HMAC key of a webhook's signing secret (`whsec_…`, as Standard Webhooks gives it), read
 * once per container and again after `SECRET_CACHE_MS`. A read that failed is forgotten, so the
 * next delivery reads again. A secret that was read but is refused (empty, or as
 * `webhookSigningKey` has it: a key under 24 bytes, over 64, or not base64) is kept like a good one: each delivery fails with
 * the reason, is retried on the usual schedule, and signs once the secret is rotated and this
 * cache has expired, within 5 minutes, without a read per delivery meanwhile.
 */
export function webhookKey(secretArn: string, now: number = Date.now()): Promise<Uint8Array> {
  const cached = cache.get(secretArn);
  if (cached && now - cached.readAt < SECRET_CACHE_MS) return cached.key;
  const key = readKey(secretArn).catch((error: unknown) => {
    if (!(error instanceof WebhookSecretRefusedError)) cache.delete(secretArn);
    throw error;
  });
  cache.set(secretArn, { key, readAt: now });
  return key;
}

/** Tests read secrets afresh. */
export function forgetWebhookSecrets(): void {
  cache.clear();
}

async function readKey(secretArn: string): Promise<Uint8Array> {
  let value: string | undefined;
  try {
    value = (await client.send(new GetSecretValueCommand({ SecretId: secretArn }))).SecretString?.trim();
  } catch (error) {
    throw new ConfigError(`the signing secret ${secretArn} could not be read: ${(error as Error).message}`, { cause: error });
  }
  if (value === undefined || value === '') throw new WebhookSecretRefusedError(`the signing secret ${secretArn} holds no string; put whsec_ and the base64 of 24 to 64 random bytes in it`);
  const signingKey = webhookSigningKey(value);
  if ('refused' in signingKey) {
    throw new WebhookSecretRefusedError(`the signing secret ${secretArn} is refused: ${signingKey.refused}; rotate it to whsec_ and the base64 of 24 to 64 random bytes`);
  }
  return signingKey.key;
}
