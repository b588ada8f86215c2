import type { APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import { createLocalJWKSet, exportJWK, generateKeyPair, type JWTPayload, type JWTVerifyGetKey, SignJWT } from 'jose';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { JwtSettings } from '../../../../lambdas/shared/config.js';
import { authorizeConnection, UNAUTHORIZED } from '../../../../lambdas/ws-authorize/authorizeConnection.js';

const ISSUER = 'https://issuer.example.test/pool-1';
const AUDIENCE = 'app-client-1';
const SETTINGS: JwtSettings = { issuer: ISSUER, audience: [AUDIENCE, 'app-client-2'] };
const METHOD_ARN = 'arn:aws:execute-api:eu-west-1:123456789012:abc123/live/$connect';
const KID = 'signing-key-1';

type KeyPair = Awaited<ReturnType<typeof generateKeyPair>>;
let issuerKey: KeyPair;
let strangerKey: KeyPair;
let getKey: JWTVerifyGetKey;

beforeAll(async () => {
  issuerKey = await generateKeyPair('RS256');
  strangerKey = await generateKeyPair('RS256');
  getKey = createLocalJWKSet({ keys: [{ ...(await exportJWK(issuerKey.publicKey)), kid: KID, alg: 'RS256', use: 'sig' }] });
});

const nowSeconds = () => Math.floor(Date.now() / 1000);

interface TokenOptions {
  readonly claims?: JWTPayload;
  readonly kid?: string;
  readonly key?: KeyPair;
  readonly issuer?: string;
  readonly expiresAt?: number | null;
  readonly notBefore?: number;
}

/** A token as the issuer signs it (an ID token: `aud` set) unless overridden; `expiresAt: null` leaves `exp` out. */
async function token(options: TokenOptions = {}): Promise<string> {
  const jwt = new SignJWT({ aud: AUDIENCE, sub: 'owner-1', ...options.claims })
    .setProtectedHeader({ alg: 'RS256', kid: options.kid ?? KID })
    .setIssuer(options.issuer ?? ISSUER)
    .setIssuedAt(nowSeconds() - 60);
  if (options.expiresAt !== null) jwt.setExpirationTime(options.expiresAt ?? nowSeconds() + 3_600);
  if (options.notBefore !== undefined) jwt.setNotBefore(options.notBefore);
  return jwt.sign((options.key ?? issuerKey).privateKey);
}

function connectEvent(headers: Record<string, string>, query?: Record<string, string>): APIGatewayRequestAuthorizerEvent {
  return {
    type: 'REQUEST',
    methodArn: METHOD_ARN,
    headers,
    queryStringParameters: query ?? null,
    requestContext: { connectionId: 'conn-1', routeKey: '$connect', eventType: 'CONNECT' },
  } as unknown as APIGatewayRequestAuthorizerEvent;
}

const TRANSPORTS = {
  'a bearer subprotocol': (jwt: string) => connectEvent({ 'Sec-WebSocket-Protocol': `media-pipeline.v1, bearer.${jwt}` }),
  '?token=': (jwt: string) => connectEvent({ 'Sec-WebSocket-Protocol': 'media-pipeline.v1' }, { token: jwt }),
} as const;

/** Everything the logger (and anything else) writes while a test runs. */
let written: string[];

beforeEach(() => {
  written = [];
  const capture = (chunk: unknown) => {
    written.push(String(chunk));
    return true;
  };
  vi.spyOn(process.stdout, 'write').mockImplementation(capture);
  vi.spyOn(process.stderr, 'write').mockImplementation(capture);
});

afterEach(() => {
  vi.restoreAllMocks();
});

function expectNoLineHolds(jwt: string): void {
  const [, payload, signature] = jwt.split('.');
  for (const line of written) {
    expect(line).not.toContain(jwt);
    expect(line).not.toContain(payload);
    expect(line).not.toContain(signature);
  }
}

async function refusal(event: APIGatewayRequestAuthorizerEvent): Promise<unknown> {
  return authorizeConnection(event, SETTINGS, getKey).then(
    (result) => ({ allowed: result }),
    (error: unknown) => error,
  );
}

describe('authorizeConnection', () => {
  describe.each(Object.entries(TRANSPORTS))('with the token in %s', (_transport, eventFor) => {
    it("allows a valid token on the connection's method ARN, with the caller and the token's expiry as context", async () => {
      const expiresAt = nowSeconds() + 1_800;
      const jwt = await token({ expiresAt });

      const result = await authorizeConnection(eventFor(jwt), SETTINGS, getKey);

      expect(result).toEqual({
        principalId: 'owner-1',
        policyDocument: { Version: '2012-10-17', Statement: [{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: METHOD_ARN }] },
        context: { ownerId: 'owner-1', tokenExpiresAt: expiresAt },
      });
      expectNoLineHolds(jwt);
    });

    it('allows an access token without aud whose client_id is an accepted audience, as Cognito issues them', async () => {
      const jwt = await token({ claims: { aud: undefined, client_id: 'app-client-2', token_use: 'access' } });

      await expect(authorizeConnection(eventFor(jwt), SETTINGS, getKey)).resolves.toMatchObject({ context: { ownerId: 'owner-1' } });
    });

    it('allows a token whose aud list holds an accepted audience among others', async () => {
      const jwt = await token({ claims: { aud: ['another-api', AUDIENCE] } });

      await expect(authorizeConnection(eventFor(jwt), SETTINGS, getKey)).resolves.toMatchObject({ principalId: 'owner-1' });
    });

    it.each<[string, () => Promise<string>, string]>([
      ['has expired', () => token({ expiresAt: nowSeconds() - 10 }), 'the token has expired'],
      ['is not valid yet (nbf ahead)', () => token({ notBefore: nowSeconds() + 600 }), 'the token is not valid yet'],
      ['has no exp', () => token({ expiresAt: null }), "the token's exp claim is not valid"],
      ['has another issuer', () => token({ issuer: 'https://elsewhere.example.test/pool-1' }), 'the token does not have a valid issuer'],
      ['has another audience', () => token({ claims: { aud: 'another-app' } }), 'the token does not have a valid audience'],
      ['has no aud and a client_id that is not accepted', () => token({ claims: { aud: undefined, client_id: 'another-app' } }), 'the token does not have a valid audience'],
      ['has neither aud nor client_id', () => token({ claims: { aud: undefined } }), 'the token does not have a valid audience'],
      ['names a key the issuer does not have', () => token({ kid: 'unknown-key', key: strangerKey }), 'no signing key of the issuer matches the token'],
      ["carries the issuer's key id but another key's signature", () => token({ key: strangerKey }), 'the token signature is invalid'],
      ['has no sub', () => token({ claims: { sub: undefined } }), "the token's sub claim is not valid"],
      ['is not a JWT at all', async () => 'not-a-jwt', 'the token is malformed'],
    ])('refuses a token that %s with Unauthorized, and logs why without the token', async (_case, make, reason) => {
      const jwt = await make();

      const error = await refusal(eventFor(jwt));

      expect(error).toBeInstanceOf(Error);
      expect((error as Error).message).toBe(UNAUTHORIZED);
      const logged = written.map((line) => JSON.parse(line) as Record<string, unknown>);
      expect(logged).toContainEqual(expect.objectContaining({ message: 'Connection refused', connectionId: 'conn-1', reason }));
      expectNoLineHolds(jwt);
    });

    it('refuses a token signed with a shared secret (HS256) instead of the issuer RS256 key', async () => {
      const jwt = await new SignJWT({ aud: AUDIENCE, sub: 'owner-1' })
        .setProtectedHeader({ alg: 'HS256', kid: KID })
        .setIssuer(ISSUER)
        .setExpirationTime(nowSeconds() + 600)
        .sign(new TextEncoder().encode('a-shared-secret-of-at-least-32-bytes!'));

      await expect(authorizeConnection(eventFor(jwt), SETTINGS, getKey)).rejects.toThrow(UNAUTHORIZED);
    });
  });

  it.each<[string, APIGatewayRequestAuthorizerEvent]>([
    ['no token at all', connectEvent({ 'Sec-WebSocket-Protocol': 'media-pipeline.v1' })],
    ['an empty bearer subprotocol', connectEvent({ 'Sec-WebSocket-Protocol': 'media-pipeline.v1, bearer.' })],
    ['an empty ?token=', connectEvent({ 'Sec-WebSocket-Protocol': 'media-pipeline.v1' }, { token: '' })],
  ])('refuses a connection with %s', async (_case, event) => {
    await expect(authorizeConnection(event, SETTINGS, getKey)).rejects.toThrow(UNAUTHORIZED);
    expect(written.join('')).toContain('no token was given');
  });

  it('refuses a valid token when media-pipeline.v1 is not offered, either way', async () => {
    const jwt = await token();

    await expect(authorizeConnection(connectEvent({ 'Sec-WebSocket-Protocol': `bearer.${jwt}` }), SETTINGS, getKey)).rejects.toThrow(UNAUTHORIZED);
    await expect(authorizeConnection(connectEvent({}, { token: jwt }), SETTINGS, getKey)).rejects.toThrow(UNAUTHORIZED);
    await expect(authorizeConnection(connectEvent({ 'Sec-WebSocket-Protocol': `media-pipeline.v2, bearer.${jwt}` }), SETTINGS, getKey)).rejects.toThrow(
      UNAUTHORIZED,
    );
    expect(written.join('')).toContain('the media-pipeline.v1 subprotocol was not offered');
    expectNoLineHolds(jwt);
  });

  it('refuses a request with no headers and no query', async () => {
    const event = { type: 'REQUEST', methodArn: METHOD_ARN, headers: null, queryStringParameters: null } as unknown as APIGatewayRequestAuthorizerEvent;

    await expect(authorizeConnection(event, SETTINGS, getKey)).rejects.toThrow(UNAUTHORIZED);
  });

  it('refuses two bearer subprotocols, even when both hold valid tokens', async () => {
    const first = await token();
    const second = await token({ claims: { sub: 'owner-2' } });

    const event = connectEvent({ 'Sec-WebSocket-Protocol': `media-pipeline.v1, bearer.${first}, bearer.${second}` });

    await expect(authorizeConnection(event, SETTINGS, getKey)).rejects.toThrow(UNAUTHORIZED);
    expect(written.join('')).toContain('more than one bearer subprotocol was offered');
    expectNoLineHolds(first);
    expectNoLineHolds(second);
  });

  it('refuses a token in both the subprotocol and the query, even the same valid one', async () => {
    const jwt = await token();

    const event = connectEvent({ 'Sec-WebSocket-Protocol': `media-pipeline.v1, bearer.${jwt}` }, { token: jwt });

    await expect(authorizeConnection(event, SETTINGS, getKey)).rejects.toThrow(UNAUTHORIZED);
    expect(written.join('')).toContain('a token came both as a subprotocol and in the query');
    expectNoLineHolds(jwt);
  });

  it('reads the subprotocol header in any casing, as API Gateway and local mode may pass it', async () => {
    const jwt = await token();

    const result = await authorizeConnection(connectEvent({ 'sec-websocket-protocol': `bearer.${jwt},media-pipeline.v1` }), SETTINGS, getKey);

    expect(result.principalId).toBe('owner-1');
  });
});
