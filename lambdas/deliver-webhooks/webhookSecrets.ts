import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { secretsManagerEndpoint } from '../shared/config.js';
import { ConfigError } from '../shared/errors.js';

const localEndpoint = secretsManagerEndpoint();
const client = new SecretsManagerClient(localEndpoint ? { endpoint: localEndpoint } : {});

/** How long a read secret is used: a rotated secret signs within this. */
export const SECRET_CACHE_MS = 5 * 60_000;

const cache = new Map<string, { readonly value: Promise<string>; readonly readAt: number }>();

/**
 * A webhook's signing secret (`whsec_…`, as Standard Webhooks gives it), read once per container
 * and again after `SECRET_CACHE_MS`. A failed read is forgotten, so the next delivery tries again.
 */
export function webhookSecret(secretArn: string, now: number = Date.now()): Promise<string> {
  const cached = cache.get(secretArn);
  if (cached && now - cached.readAt < SECRET_CACHE_MS) return cached.value;
  const value = readSecret(secretArn).catch((error: unknown) => {
    cache.delete(secretArn);
    throw error;
  });
  cache.set(secretArn, { value, readAt: now });
  return value;
}

/** Tests read secrets afresh. */
export function forgetWebhookSecrets(): void {
  cache.clear();
}

async function readSecret(secretArn: string): Promise<string> {
  const secret = await client.send(new GetSecretValueCommand({ SecretId: secretArn }));
  const value = secret.SecretString?.trim();
  if (value === undefined || value === '') throw new ConfigError(`The webhook secret ${secretArn} holds no string`);
  return value;
}
