import { createPublicKey, type KeyObject, sign } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { fromCloudFrontBase64, toCloudFrontBase64 } from '../../../../../lambdas/shared/mediaAccess/cloudFrontBase64.js';
import { signMediaGrant } from '../../../../../lambdas/shared/mediaAccess/signMediaGrant.js';
import { matchesResource, policyResourceOrigin, verifyMediaGrant } from '../../../../../lambdas/shared/mediaAccess/verifyMediaGrant.js';
import { testKeyPair } from './grantKeys.js';

const { privateKey, publicKey } = testKeyPair();
const other = testKeyPair();
const SCOPE = 'https://d111.cloudfront.net/media/u1/';
const NOW = new Date('2026-11-27T12:00:00Z');
const LATER = new Date('2026-11-27T18:00:00Z');
const keys: ReadonlyMap<string, KeyObject> = new Map([['K1', publicKey]]);

function grant(expiresAt = LATER) {
  return signMediaGrant({ scope: SCOPE, expiresAt, keyPairId: 'K1', privateKey });
}

function check(values: { policy?: string; signature?: string; keyPairId?: string }, url = `${SCOPE}720p.m3u8`, now = NOW, publicKeys = keys) {
  return verifyMediaGrant({ policy: values.policy, signature: values.signature, keyPairId: values.keyPairId, url, publicKeys, now });
}

describe('signMediaGrant', () => {
  it('signs a custom policy for every object under the scope, without white space, until the expiry in whole seconds', () => {
    const signed = signMediaGrant({ scope: SCOPE, expiresAt: new Date('2026-11-27T18:00:00.900Z'), keyPairId: 'K1', privateKey });
    expect(fromCloudFrontBase64(signed.policy)!.toString('utf8')).toBe(
      `{"Statement":[{"Resource":"${SCOPE}*","Condition":{"DateLessThan":{"AWS:EpochTime":${Math.floor(LATER.getTime() / 1000)}}}}]}`,
    );
    expect(signed).toMatchObject({ keyPairId: 'K1', resource: `${SCOPE}*`, scope: SCOPE, expiresAt: LATER });
    expect(signed.signature).toMatch(/^[A-Za-z0-9~_-]+$/);
  });

  it('refuses a scope that is not a plain folder prefix', () => {
    for (const scope of ['https://d111.cloudfront.net/media/u1', 'https://d111.cloudfront.net/media/*/', 'https://d111.cloudfront.net/media/u?/']) {
      expect(() => signMediaGrant({ scope, expiresAt: LATER, keyPairId: 'K1', privateKey }), scope).toThrow(scope);
    }
  });
});

describe('verifyMediaGrant', () => {
  it('accepts a signed URL under the scope before its expiry, and says what it grants', () => {
    const signed = grant();
    const verdict = check(signed);
    expect(verdict).toEqual({ ok: true, grant: { ...signed } });
    expect(check(signed, `${SCOPE}720p/segment_00042.ts`).ok).toBe(true);
  });

  it('refuses an unsigned request, naming what is missing', () => {
    expect(check({})).toEqual({ ok: false, reason: expect.stringContaining('not signed') });
    expect(check({ ...grant(), keyPairId: undefined }).ok).toBe(false);
  });

  it('refuses a tampered policy: another upload, a later expiry', () => {
    const signed = grant();
    const policy = fromCloudFrontBase64(signed.policy)!.toString('utf8');
    const otherUpload = toCloudFrontBase64(Buffer.from(policy.replace('/media/u1/', '/media/u2/')));
    const longer = toCloudFrontBase64(Buffer.from(policy.replace(/"AWS:EpochTime":\d+/, '"AWS:EpochTime":4102444800')));
    expect(check({ ...signed, policy: otherUpload }, 'https://d111.cloudfront.net/media/u2/720p.m3u8')).toEqual({ ok: false, reason: 'the signature does not match the policy' });
    expect(check({ ...signed, policy: longer })).toEqual({ ok: false, reason: 'the signature does not match the policy' });
  });

  it('refuses a tampered signature and a signature made with a key outside the key group', () => {
    const signed = grant();
    const flipped = toCloudFrontBase64(fromCloudFrontBase64(signed.signature)!.map((byte, index) => (index === 10 ? byte ^ 1 : byte)));
    expect(check({ ...signed, signature: flipped }).ok).toBe(false);
    const foreign = signMediaGrant({ scope: SCOPE, expiresAt: LATER, keyPairId: 'K1', privateKey: other.privateKey });
    expect(check(foreign).ok).toBe(false);
    expect(check({ ...signed, keyPairId: 'K2' })).toEqual({ ok: false, reason: 'Key-Pair-Id K2 is not in the key group' });
  });

  it('refuses an expired URL, at its expiry second and after', () => {
    const signed = grant();
    expect(check(signed, `${SCOPE}720p.m3u8`, LATER)).toEqual({ ok: false, reason: `the URL expired at ${LATER.toISOString()}` });
    expect(check(signed, `${SCOPE}720p.m3u8`, new Date(LATER.getTime() - 1000)).ok).toBe(true);
  });

  it("refuses a URL outside the policy's resource: another upload, another host", () => {
    const signed = grant();
    expect(check(signed, 'https://d111.cloudfront.net/media/u2/720p.m3u8').ok).toBe(false);
    expect(check(signed, 'https://evil.example/media/u1/720p.m3u8').ok).toBe(false);
  });

  it('refuses values longer than any it issues before doing RSA work, and conditions it does not know', () => {
    expect(check({ ...grant(), policy: 'A'.repeat(5000) })).toEqual({ ok: false, reason: 'a signed value is longer than any this distribution issues' });
    const policy = JSON.stringify({ Statement: [{ Resource: `${SCOPE}*`, Condition: { DateLessThan: { 'AWS:EpochTime': 1900000000 }, IpAddress: { 'AWS:SourceIp': '0.0.0.0/0' } } }] });
    const signature = toCloudFrontBase64(sign('RSA-SHA1', Buffer.from(policy), privateKey));
    expect(check({ policy: toCloudFrontBase64(Buffer.from(policy)), signature, keyPairId: 'K1' })).toEqual({ ok: false, reason: expect.stringContaining('IpAddress') });
  });

  it('refuses, and never throws on, a policy whose statement is not an object, even before its signature is checked', () => {
    for (const statement of [null, 7, 'x', []]) {
      const policy = toCloudFrontBase64(Buffer.from(JSON.stringify({ Statement: [statement] })));
      expect(policyResourceOrigin(policy)).toBeUndefined();
      const signature = toCloudFrontBase64(sign('RSA-SHA1', fromCloudFrontBase64(policy) as Buffer, privateKey));
      expect(check({ policy, signature, keyPairId: 'K1' })).toEqual({ ok: false, reason: "the policy's statement is not an object" });
    }
  });

  it('checks against the key group given: the public key as the stack hands it over (PEM) works', () => {
    const pem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
    expect(check(grant(), `${SCOPE}a.ts`, NOW, new Map([['K1', createPublicKey(pem)]])).ok).toBe(true);
  });
});

describe('matchesResource', () => {
  it('reads * as any run of characters and ? as one, everything else literally', () => {
    expect(matchesResource('https://h/media/u1/*', 'https://h/media/u1/a/b.ts?x=1')).toBe(true);
    expect(matchesResource('https://h/media/u?/*', 'https://h/media/u2/a.ts')).toBe(true);
    expect(matchesResource('https://h/media/u1/*', 'https://h/media/u10/a.ts')).toBe(false);
    expect(matchesResource('https://h/media/u1.a/*', 'https://h/media/u1xa/a.ts')).toBe(false);
  });
});
