import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeJwt, generateKeyPair, importJWK, SignJWT } from 'jose';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LOCAL_AUDIENCE, LOCAL_ISSUER, LocalJwtIssuer } from '../../../../local/auth/LocalJwtIssuer.js';

let dir: string;
let keyFile: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'jwt-issuer-'));
  keyFile = join(dir, 'nested', 'jwt-signing-key.json');
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A token signed by some other key, with the claims an attacker chooses. */
async function foreignToken(claims: Record<string, unknown>): Promise<string> {
  const { privateKey } = await generateKeyPair('RS256');
  return new SignJWT(claims).setProtectedHeader({ alg: 'RS256' }).setIssuer(LOCAL_ISSUER).setSubject('mallory').setExpirationTime('1h').sign(privateKey);
}

/** Signs claims with the issuer's own key (from its key file), as a hand-made token would be. */
async function signerWithLocalKey() {
  const stored = JSON.parse(await readFile(keyFile, 'utf8')) as { kid: string; privateJwk: Parameters<typeof importJWK>[0] };
  const key = await importJWK(stored.privateJwk, 'RS256');
  return (claims: Record<string, unknown>, iss = LOCAL_ISSUER, header: { kid?: string; expires?: boolean } = {}) => {
    const jwt = new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: header.kid ?? stored.kid }).setIssuer(iss).setSubject('alice');
    return (header.expires === false ? jwt : jwt.setExpirationTime('1h')).sign(key);
  };
}

describe('LocalJwtIssuer', () => {
  it('mints a Cognito-shaped access token that it verifies, carrying the subject and extra claims', async () => {
    const issuer = await LocalJwtIssuer.open(keyFile);

    const minted = await issuer.mint('alice', { claims: { email: 'alice@example.test' } });
    const verdict = await issuer.verify(minted.token);

    expect(verdict).toEqual({ ok: true, claims: expect.objectContaining({ sub: 'alice', email: 'alice@example.test' }) });
    expect(decodeJwt(minted.token)).toMatchObject({
      iss: LOCAL_ISSUER,
      client_id: LOCAL_AUDIENCE,
      token_use: 'access',
      scope: 'openid',
      username: 'alice',
    });
    expect(minted.sub).toBe('alice');
    expect(Date.parse(minted.expiresAt) - Date.now()).toBeGreaterThan(59 * 60 * 1000);
  });

  it('keeps its key in the file, private to the user, so tokens stay valid after a restart', async () => {
    const { token } = await (await LocalJwtIssuer.open(keyFile)).mint('alice');

    const reopened = await LocalJwtIssuer.open(keyFile);

    await expect(reopened.verify(token)).resolves.toMatchObject({ ok: true });
    expect((await stat(keyFile)).mode & 0o777).toBe(0o600);
    expect(JSON.parse(await readFile(keyFile, 'utf8'))).toHaveProperty('privateJwk.d');
  });

  it('rejects a token signed by another key (a wiped data folder) as an invalid signature', async () => {
    const { token } = await (await LocalJwtIssuer.open(keyFile)).mint('alice');
    await rm(keyFile);

    const fresh = await LocalJwtIssuer.open(keyFile);

    await expect(fresh.verify(token)).resolves.toEqual({ ok: false, reason: 'the token signature is invalid' });
    await expect(fresh.verify(await foreignToken({ client_id: LOCAL_AUDIENCE }))).resolves.toMatchObject({ ok: false });
  });

  it('rejects an expired token', async () => {
    const issuer = await LocalJwtIssuer.open(keyFile);
    const { token } = await issuer.mint('alice', { expiresInSeconds: -10 });
    await expect(issuer.verify(token)).resolves.toEqual({ ok: false, reason: 'the token has expired' });
  });

  it('rejects a token from another issuer or for another audience, and checks aud before client_id like API Gateway', async () => {
    const issuer = await LocalJwtIssuer.open(keyFile);
    const sign = await signerWithLocalKey();

    await expect(issuer.verify(await sign({ client_id: LOCAL_AUDIENCE }, 'https://elsewhere'))).resolves.toEqual({
      ok: false,
      reason: 'the token does not have a valid issuer',
    });
    await expect(issuer.verify(await sign({ client_id: 'other-app' }))).resolves.toEqual({ ok: false, reason: 'the token does not have a valid audience' });
    await expect(issuer.verify(await sign({ aud: 'other-app', client_id: LOCAL_AUDIENCE }))).resolves.toMatchObject({ ok: false });
    await expect(issuer.verify(await sign({ aud: LOCAL_AUDIENCE }))).resolves.toMatchObject({ ok: true });
    await expect(issuer.verify(await sign({}))).resolves.toMatchObject({ ok: false });
  });

  it('rejects a token signed with its own key but without exp, or with a kid that names no key, like API Gateway', async () => {
    const issuer = await LocalJwtIssuer.open(keyFile);
    const sign = await signerWithLocalKey();

    await expect(issuer.verify(await sign({ client_id: LOCAL_AUDIENCE }, LOCAL_ISSUER, { expires: false }))).resolves.toEqual({
      ok: false,
      reason: 'the token is malformed',
    });
    await expect(issuer.verify(await sign({ client_id: LOCAL_AUDIENCE }, LOCAL_ISSUER, { kid: 'another-key' }))).resolves.toEqual({
      ok: false,
      reason: 'the token signature is invalid',
    });
    await expect(issuer.verify(await sign({ client_id: LOCAL_AUDIENCE }))).resolves.toMatchObject({ ok: true });
  });

  it('rejects a token that is not a JWT, or one with the signature stripped', async () => {
    const issuer = await LocalJwtIssuer.open(keyFile);
    const { token } = await issuer.mint('alice');
    const unsigned = `${token.split('.').slice(0, 2).join('.')}.`;

    await expect(issuer.verify('not-a-token')).resolves.toEqual({ ok: false, reason: 'the token is malformed' });
    await expect(issuer.verify(unsigned)).resolves.toMatchObject({ ok: false });
  });

  it('refuses to mint a token without a subject', async () => {
    const issuer = await LocalJwtIssuer.open(keyFile);
    await expect(issuer.mint(' ')).rejects.toThrow('non-empty subject');
  });
});
