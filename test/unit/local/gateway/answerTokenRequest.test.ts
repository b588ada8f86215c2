import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { LocalJwtIssuer } from '../../../../local/auth/LocalJwtIssuer.js';
import { answerTokenRequest, MAX_TOKEN_ROUTE_SECONDS, type TokenRequest } from '../../../../local/gateway/answerTokenRequest.js';

let dir: string;
let issuer: LocalJwtIssuer;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'token-route-'));
  issuer = await LocalJwtIssuer.open(join(dir, 'jwt-signing-key.json'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function request(body: unknown, overrides: Partial<TokenRequest> = {}): TokenRequest {
  const bytes = Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
  return { remoteAddress: '127.0.0.1', origin: undefined, readBody: async () => bytes, ...overrides };
}

async function answer(tokenRequest: TokenRequest) {
  const response = await answerTokenRequest(tokenRequest, issuer);
  return { status: response.statusCode, body: JSON.parse(response.body.toString()) };
}

describe('answerTokenRequest (POST /@local/token)', () => {
  it.each(['127.0.0.1', '::1', '::ffff:127.0.0.1'])('mints a one-hour token for a client on this machine (%s)', async (remoteAddress) => {
    const { status, body } = await answer(request({ sub: 'alice' }, { remoteAddress }));

    expect(status).toBe(200);
    expect(body).toEqual({ token: expect.any(String), sub: 'alice', expiresAt: expect.any(String) });
    const claims = decodeJwt(body.token);
    expect(claims.sub).toBe('alice');
    expect(claims.exp! - claims.iat!).toBe(3600);
    await expect(issuer.verify(body.token)).resolves.toMatchObject({ ok: true });
  });

  it('refuses a client on the network with 403 LOOPBACK_ONLY, before reading its body', async () => {
    const readBody = vi.fn(async () => Buffer.from('{"sub":"mallory"}'));

    const { status, body } = await answer({ remoteAddress: '192.168.1.31', origin: undefined, readBody });

    expect(status).toBe(403);
    expect(body).toEqual({ error: { code: 'LOOPBACK_ONLY', message: expect.stringContaining('192.168.1.31') } });
    expect(readBody).not.toHaveBeenCalled();
  });

  it('refuses a web page (an Origin) with 403 CROSS_ORIGIN', async () => {
    const { status, body } = await answer(request({ sub: 'alice' }, { origin: 'https://attacker.example' }));
    expect(status).toBe(403);
    expect(body.error.code).toBe('CROSS_ORIGIN');
  });

  it(`grants a requested lifetime up to ${MAX_TOKEN_ROUTE_SECONDS} seconds (one day)`, async () => {
    const { body } = await answer(request({ sub: 'alice', expiresInSeconds: MAX_TOKEN_ROUTE_SECONDS }));
    const claims = decodeJwt(body.token);
    expect(claims.exp! - claims.iat!).toBe(MAX_TOKEN_ROUTE_SECONDS);
  });

  it.each([MAX_TOKEN_ROUTE_SECONDS + 1, 1e12, 0, -60, 1.5, '3600', null])(
    'refuses the lifetime %j with 400 INVALID_EXPIRY, minting nothing',
    async (expiresInSeconds) => {
      const mint = vi.spyOn(issuer, 'mint');
      const { status, body } = await answer(request({ sub: 'alice', expiresInSeconds }));

      expect(status).toBe(400);
      expect(body).toEqual({
        error: { code: 'INVALID_EXPIRY', message: `expiresInSeconds must be a whole number of seconds from 1 to 86400 (one day), got ${JSON.stringify(expiresInSeconds)}` },
      });
      expect(mint).not.toHaveBeenCalled();
      mint.mockRestore();
    },
  );

  it.each([
    ['not JSON', '{"sub":', 'INVALID_JSON'],
    ['JSON but not an object', 'null', 'INVALID_JSON'],
    ['without a sub', {}, 'INVALID_SUB'],
    ['with a blank sub', { sub: '  ' }, 'INVALID_SUB'],
    ['with a sub over 128 characters', { sub: 'x'.repeat(129) }, 'INVALID_SUB'],
    ['with claims that are a list', { sub: 'a', claims: ['admin'] }, 'INVALID_CLAIMS'],
    ['with claims over 2 KB', { sub: 'a', claims: { blob: 'x'.repeat(2048) } }, 'INVALID_CLAIMS'],
  ])('answers a body %s with 400 %s', async (_what, body, code) => {
    const answered = await answer(request(body));
    expect(answered).toEqual({ status: 400, body: { error: { code, message: expect.any(String) } } });
  });

  it('answers a body over the gateway limit with 413', async () => {
    expect((await answer(request('', { readBody: async () => undefined }))).status).toBe(413);
  });

  it('adds extra claims but never lets them replace the standard ones', async () => {
    const { body } = await answer(request({ sub: 'alice', claims: { email: 'alice@example.com', sub: 'root', token_use: 'id' } }));
    expect(decodeJwt(body.token)).toMatchObject({ email: 'alice@example.com', sub: 'alice', token_use: 'access' });
  });
});
