import { randomUUID } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { errors, exportJWK, generateKeyPair, importJWK, type JWK, type JWTPayload, jwtVerify, SignJWT } from 'jose';

/** The issuer and audience the local authorizer accepts, standing in for the user pool and its app client. */
export const LOCAL_ISSUER = 'https://media-pipeline.local/issuer';
export const LOCAL_AUDIENCE = 'media-pipeline-local';

const ALGORITHM = 'RS256';
/** Cognito's default access-token lifetime. */
const DEFAULT_TOKEN_SECONDS = 60 * 60;

export interface MintOptions {
  /** @default 3600 (one hour, Cognito's default) */
  readonly expiresInSeconds?: number;
  /** Extra claims (e.g. `email`); the standard ones cannot be overridden. */
  readonly claims?: Readonly<Record<string, unknown>>;
}

export interface MintedToken {
  readonly token: string;
  readonly sub: string;
  readonly expiresAt: string;
}

export type TokenVerdict =
  | { readonly ok: true; readonly claims: JWTPayload }
  | { readonly ok: false; readonly reason: string };

interface StoredKey {
  readonly kid: string;
  readonly privateJwk: JWK;
}

/**
 * A local stand-in for Cognito: signs access tokens with an RSA key kept in the data folder (so
 * tokens outlive a restart) and verifies them the way API Gateway's JWT authorizer does:
 * the signing key named by `kid`, the signature, issuer, expiry (required) and not-before,
 * then the audience (`aud`, or `client_id` when there is no `aud`).
 */
export class LocalJwtIssuer {
  private constructor(
    private readonly kid: string,
    private readonly privateKey: CryptoKey,
    private readonly publicKey: CryptoKey,
  ) {}

  /** Loads the signing key from `keyFile`, creating it on first use. */
  static async open(keyFile: string): Promise<LocalJwtIssuer> {
    let stored: StoredKey;
    try {
      stored = JSON.parse(await readFile(keyFile, 'utf8')) as StoredKey;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      const { privateKey } = await generateKeyPair(ALGORITHM, { extractable: true });
      stored = { kid: `local-${Date.now().toString(36)}`, privateJwk: await exportJWK(privateKey) };
      await mkdir(dirname(keyFile), { recursive: true });
      await writeFile(keyFile, JSON.stringify(stored), { mode: 0o600 });
    }
    const { kty, n, e } = stored.privateJwk;
    const privateKey = (await importJWK(stored.privateJwk, ALGORITHM)) as CryptoKey;
    const publicKey = (await importJWK({ kty, n, e }, ALGORITHM)) as CryptoKey;
    return new LocalJwtIssuer(stored.kid, privateKey, publicKey);
  }

  /** An access token for `sub`, shaped like Cognito's (`client_id`, `token_use`, `scope`, `username`). */
  async mint(sub: string, options: MintOptions = {}): Promise<MintedToken> {
    if (sub.trim() === '') throw new TypeError('A token needs a non-empty subject');
    const now = Math.floor(Date.now() / 1000);
    const exp = now + (options.expiresInSeconds ?? DEFAULT_TOKEN_SECONDS);
    const token = await new SignJWT({
      scope: 'openid',
      ...options.claims,
      client_id: LOCAL_AUDIENCE,
      token_use: 'access',
      username: sub,
    })
      .setProtectedHeader({ alg: ALGORITHM, kid: this.kid, typ: 'JWT' })
      .setSubject(sub)
      .setIssuer(LOCAL_ISSUER)
      .setIssuedAt(now)
      .setExpirationTime(exp)
      .setJti(randomUUID())
      .sign(this.privateKey);
    return { token, sub, expiresAt: new Date(exp * 1000).toISOString() };
  }

  /** The public signing key as a JSON Web Key Set, as Cognito publishes a pool's at `/.well-known/jwks.json`. */
  async jwks(): Promise<{ keys: JWK[] }> {
    return { keys: [{ ...(await exportJWK(this.publicKey)), kid: this.kid, alg: ALGORITHM, use: 'sig' }] };
  }

  async verify(token: string): Promise<TokenVerdict> {
    let claims: JWTPayload;
    try {
      // Like API Gateway: the header's kid must name the signing key, and exp must be present.
      ({ payload: claims } = await jwtVerify(token, (header) => this.keyFor(header.kid), {
        issuer: LOCAL_ISSUER,
        algorithms: [ALGORITHM],
        requiredClaims: ['exp'],
      }));
    } catch (error) {
      return { ok: false, reason: describeRejection(error) };
    }
    const audiences = claims.aud === undefined ? [claims.client_id] : [claims.aud].flat();
    if (!audiences.includes(LOCAL_AUDIENCE)) return { ok: false, reason: 'the token does not have a valid audience' };
    return { ok: true, claims };
  }

  private keyFor(kid: string | undefined): CryptoKey {
    if (kid !== this.kid) throw new errors.JWKSNoMatchingKey(`No signing key has the kid ${JSON.stringify(kid)}`);
    return this.publicKey;
  }
}

/** Reasons worded like API Gateway's `www-authenticate` error descriptions. */
function describeRejection(error: unknown): string {
  if (error instanceof errors.JWTExpired) return 'the token has expired';
  if (error instanceof errors.JWTClaimValidationFailed && error.claim === 'iss') return 'the token does not have a valid issuer';
  if (error instanceof errors.JWTClaimValidationFailed && error.claim === 'nbf') return 'the token is not valid yet';
  if (error instanceof errors.JWSSignatureVerificationFailed || error instanceof errors.JWKSNoMatchingKey) return 'the token signature is invalid';
  return 'the token is malformed';
}
