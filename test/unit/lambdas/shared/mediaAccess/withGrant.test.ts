import { describe, expect, it } from 'vitest';
import { grantQuery } from '../../../../../lambdas/shared/mediaAccess/signedQuery.js';
import { signMediaGrant } from '../../../../../lambdas/shared/mediaAccess/signMediaGrant.js';
import { withGrant } from '../../../../../lambdas/shared/mediaAccess/withGrant.js';
import { testKeyPair } from './grantKeys.js';

const { privateKey } = testKeyPair();
const SCOPE = 'https://cdn.example/media/u1/';
const BASE = `${SCOPE}720p.m3u8`;
const grant = signMediaGrant({ scope: SCOPE, expiresAt: new Date('2026-11-27T18:00:00Z'), keyPairId: 'K1', privateKey });

describe('withGrant', () => {
  it('signs relative, root-relative and absolute URIs inside the upload, whatever the case of the scheme', () => {
    expect(withGrant('s1.ts', BASE, grant)).toBe(`s1.ts?${grantQuery(grant, false)}`);
    expect(withGrant('/media/u1/poster.jpg', BASE, grant)).toBe(`/media/u1/poster.jpg?${grantQuery(grant, false)}`);
    expect(withGrant('HTTPS://cdn.example/media/u1/240p.m3u8', BASE, grant)).toBe(`HTTPS://cdn.example/media/u1/240p.m3u8?${grantQuery(grant, true)}`);
  });

  it('refuses a URI that names a scheme without an authority: URL reads it as relative, ffmpeg and RFC 3986 clients as another host', () => {
    // ffmpeg (a native client) opens `https:evil.example/…` on evil.example; URL resolves it inside the folder.
    for (const uri of ['https:evil.example/steal.ts', 'HTTPS:evil.example/steal.ts', 'https:/evil.example/steal.ts', 'https:steal.ts']) {
      expect(withGrant(uri, BASE, grant), uri).toBeUndefined();
    }
  });

  it('refuses a URI with a backslash, whitespace or a control character, which parsers read differently', () => {
    for (const uri of ['\\media\\u1\\s1.ts', 'sub\\s1.ts', 'https://cdn.exa\tmple/media/u1/s1.ts', 's1 .ts', 's1.ts\u0000']) {
      expect(withGrant(uri, BASE, grant), JSON.stringify(uri)).toBeUndefined();
    }
  });
});
