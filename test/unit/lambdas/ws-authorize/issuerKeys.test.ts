import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { issuerKeys } from '../../../../lambdas/ws-authorize/issuerKeys.js';
import { verifyConnectionToken } from '../../../../lambdas/ws-authorize/verifyConnectionToken.js';

const ISSUER = 'https://issuer.example.test/realm';
const JWKS_URL = 'https://keys.example.test/jwks.json';

type KeyPair = Awaited<ReturnType<typeof generateKeyPair>>;
let key: KeyPair;
let jwks: { keys: unknown[] };

beforeAll(async () => {
  key = await generateKeyPair('RS256');
  jwks = { keys: [{ ...(await exportJWK(key.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' }] };
});

afterEach(() => {
  vi.unstubAllGlobals();
});

function signed(): Promise<string> {
  return new SignJWT({ aud: 'app', sub: 'owner-1' })
    .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
    .setIssuer(ISSUER)
    .setExpirationTime('10m')
    .sign(key.privateKey);
}

/** A fetch that answers from a table of URLs and records what was asked, so nothing leaves the machine. */
function fakeFetch(answers: Record<string, () => Response>) {
  const asked: string[] = [];
  const fetch = vi.fn(async (input: string | URL | Request) => {
    const url = input instanceof Request ? input.url : String(input);
    asked.push(url);
    const answer = answers[url];
    return answer ? answer() : new Response('not found', { status: 404 });
  });
  vi.stubGlobal('fetch', fetch);
  return asked;
}

const json = (body: unknown) => () => Response.json(body);

describe('issuerKeys', () => {
  it('reads the keys from jwksUrl when the stack knows it, without asking the issuer for its configuration', async () => {
    const asked = fakeFetch({ [JWKS_URL]: json(jwks) });
    const settings = { issuer: ISSUER, audience: ['app'], jwksUrl: JWKS_URL };

    const verdict = await verifyConnectionToken(await signed(), settings, issuerKeys(settings));

    expect(verdict).toMatchObject({ ok: true, ownerId: 'owner-1' });
    expect(asked).toEqual([JWKS_URL]);
  });

  it("otherwise finds jwks_uri in the issuer's OpenID configuration, once per container", async () => {
    const asked = fakeFetch({
      [`${ISSUER}/.well-known/openid-configuration`]: json({ issuer: ISSUER, jwks_uri: JWKS_URL }),
      [JWKS_URL]: json(jwks),
    });
    const settings = { issuer: `${ISSUER}/`, audience: ['app'] };
    const keys = issuerKeys(settings);

    await keys({ alg: 'RS256', kid: 'k1' }, { payload: '', signature: '' } as never);
    await keys({ alg: 'RS256', kid: 'k1' }, { payload: '', signature: '' } as never);

    expect(asked.filter((url) => url.endsWith('/openid-configuration'))).toHaveLength(1);
  });

  it('refuses a configuration whose jwks_uri is not https, and asks again on the next connection', async () => {
    const asked = fakeFetch({ [`${ISSUER}/.well-known/openid-configuration`]: json({ jwks_uri: 'http://keys.example.test/jwks.json' }) });
    const keys = issuerKeys({ issuer: ISSUER, audience: ['app'] });

    await expect(keys({ alg: 'RS256', kid: 'k1' }, { payload: '', signature: '' } as never)).rejects.toThrow('names no https jwks_uri');
    await expect(keys({ alg: 'RS256', kid: 'k1' }, { payload: '', signature: '' } as never)).rejects.toThrow('names no https jwks_uri');
    expect(asked).toHaveLength(2);
  });
});
