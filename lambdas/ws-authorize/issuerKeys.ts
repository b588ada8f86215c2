import { createRemoteJWKSet, type JWTVerifyGetKey } from 'jose';
import type { JwtSettings } from '../shared/config.js';

/**
 * The issuer's signing keys, fetched (and refetched when a token names an unknown `kid`) by
 * jose: from `jwksUrl` when the stack knows it (a Cognito pool, local mode), else from the
 * `jwks_uri` of the issuer's OpenID configuration, read once per container.
 */
export function issuerKeys(settings: JwtSettings): JWTVerifyGetKey {
  let keys: Promise<JWTVerifyGetKey> | undefined;
  const load = async (): Promise<JWTVerifyGetKey> => createRemoteJWKSet(new URL(settings.jwksUrl ?? (await discoverJwksUri(settings.issuer))));
  return async (header, token) => {
    keys ??= load().catch((error: unknown) => {
      keys = undefined;
      throw error;
    });
    return (await keys)(header, token);
  };
}

async function discoverJwksUri(issuer: string): Promise<string> {
  const url = `${issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`;
  const response = await fetch(url, { signal: AbortSignal.timeout(5_000) });
  if (!response.ok) throw new Error(`${url} answered ${response.status}`);
  const { jwks_uri: jwksUri } = (await response.json()) as { jwks_uri?: unknown };
  if (typeof jwksUri !== 'string' || !jwksUri.startsWith('https://')) throw new Error(`${url} names no https jwks_uri`);
  return jwksUri;
}
