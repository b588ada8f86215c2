import { errors, type JWTPayload, type JWTVerifyGetKey, jwtVerify } from 'jose';
import type { JwtSettings } from '../shared/config.js';

export type TokenVerdict =
  | { readonly ok: true; readonly ownerId: string; readonly expiresAt: number }
  | { readonly ok: false; readonly reason: string };

/**
 * Checks a token the way the HTTP API's JWT authorizer does, so one token opens both: RS256
 * signature by a key of the issuer's set (named by `kid`), issuer, `exp` required and not past,
 * `nbf` not ahead, then the audience (`aud`, or `client_id` when there is no `aud`, as on
 * Cognito access tokens). The caller is the `sub`.
 */
export async function verifyConnectionToken(token: string, settings: JwtSettings, getKey: JWTVerifyGetKey): Promise<TokenVerdict> {
  let claims: JWTPayload;
  try {
    ({ payload: claims } = await jwtVerify(token, getKey, { issuer: settings.issuer, algorithms: ['RS256'], requiredClaims: ['exp', 'sub'] }));
  } catch (error) {
    return { ok: false, reason: rejectionReason(error) };
  }
  const audiences = claims.aud === undefined ? [claims.client_id] : [claims.aud].flat();
  if (!audiences.some((audience) => typeof audience === 'string' && settings.audience.includes(audience))) {
    return { ok: false, reason: 'the token does not have a valid audience' };
  }
  if (typeof claims.sub !== 'string' || claims.sub === '') return { ok: false, reason: 'the token has no subject' };
  return { ok: true, ownerId: claims.sub, expiresAt: claims.exp as number };
}

function rejectionReason(error: unknown): string {
  if (error instanceof errors.JWTExpired) return 'the token has expired';
  if (error instanceof errors.JWTClaimValidationFailed && error.claim === 'iss') return 'the token does not have a valid issuer';
  if (error instanceof errors.JWTClaimValidationFailed && error.claim === 'nbf') return 'the token is not valid yet';
  if (error instanceof errors.JWTClaimValidationFailed) return `the token's ${error.claim} claim is not valid`;
  if (error instanceof errors.JWKSNoMatchingKey) return 'no signing key of the issuer matches the token';
  if (error instanceof errors.JWSSignatureVerificationFailed) return 'the token signature is invalid';
  if (error instanceof errors.JOSEError) return 'the token is malformed';
  throw error;
}
