import type { JWTPayload } from 'jose';

/**
 * The claims as API Gateway's JWT authorizer hands them to a function: every value a string
 * (numbers and booleans as text, arrays as `[a b]`, objects as JSON), so a handler tested
 * locally parses claims the way it must in AWS.
 */
export function authorizerClaims(claims: JWTPayload): Record<string, string> {
  return Object.fromEntries(
    Object.entries(claims)
      .filter(([, value]) => value !== undefined && value !== null)
      .map(([name, value]) => [name, claimText(value)]),
  );
}

/** The token's `scope` claim split into the list API Gateway passes as `authorizer.jwt.scopes` (null without one). */
export function authorizerScopes(claims: JWTPayload): string[] | null {
  return typeof claims.scope === 'string' ? claims.scope.split(' ').filter(Boolean) : null;
}

function claimText(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(claimText).join(' ')}]`;
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}
