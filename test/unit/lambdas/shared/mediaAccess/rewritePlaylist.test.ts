import { describe, expect, it } from 'vitest';
import { rewritePlaylist } from '../../../../../lambdas/shared/mediaAccess/rewritePlaylist.js';
import { grantQuery } from '../../../../../lambdas/shared/mediaAccess/signedQuery.js';
import { signMediaGrant } from '../../../../../lambdas/shared/mediaAccess/signMediaGrant.js';
import { testKeyPair } from './grantKeys.js';

const { privateKey } = testKeyPair();
const SCOPE = 'https://cdn.example/media/u1/';
const grant = signMediaGrant({ scope: SCOPE, expiresAt: new Date('2026-11-27T18:00:00Z'), keyPairId: 'K1', privateKey });
const MEDIA = grantQuery(grant, false);
const PLAYLIST = grantQuery(grant, true);

describe('rewritePlaylist', () => {
  it('gives every variant of a master playlist the signed query and the copies its origin reads', () => {
    const master = [
      '#EXTM3U',
      '#EXT-X-VERSION:3',
      '#EXT-X-STREAM-INF:BANDWIDTH=1400000,RESOLUTION=1280x720,CODECS="avc1.64001f,mp4a.40.2"',
      '720p.m3u8',
      '#EXT-X-STREAM-INF:BANDWIDTH=400000,RESOLUTION=426x240',
      '240p/index.m3u8',
      '',
    ].join('\n');
    expect(rewritePlaylist(master, `${SCOPE}master.m3u8`, grant).split('\n')).toEqual([
      '#EXTM3U',
      '#EXT-X-VERSION:3',
      '#EXT-X-STREAM-INF:BANDWIDTH=1400000,RESOLUTION=1280x720,CODECS="avc1.64001f,mp4a.40.2"',
      `720p.m3u8?${PLAYLIST}`,
      '#EXT-X-STREAM-INF:BANDWIDTH=400000,RESOLUTION=426x240',
      `240p/index.m3u8?${PLAYLIST}`,
      '',
    ]);
  });

  it('gives segments and init sections only the signed query, and keeps tags, comments and CRLF line ends', () => {
    const media = '#EXTM3U\r\n#EXT-X-MAP:URI="init.mp4"\r\n# a comment URI="x.ts"\r\n#EXTINF:6.0,\r\nsegment_000.ts\r\n#EXT-X-ENDLIST\r\n';
    expect(rewritePlaylist(media, `${SCOPE}720p.m3u8`, grant)).toBe(
      `#EXTM3U\r\n#EXT-X-MAP:URI="init.mp4?${MEDIA}"\r\n# a comment URI="x.ts"\r\n#EXTINF:6.0,\r\nsegment_000.ts?${MEDIA}\r\n#EXT-X-ENDLIST\r\n`,
    );
  });

  it('signs URI attributes of alternative renditions and I-frame playlists', () => {
    const text = '#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="a",NAME="en",URI="audio/en.m3u8"\n#EXT-X-I-FRAME-STREAM-INF:BANDWIDTH=1,URI="iframes.m3u8"';
    expect(rewritePlaylist(text, `${SCOPE}master.m3u8`, grant)).toBe(
      `#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="a",NAME="en",URI="audio/en.m3u8?${PLAYLIST}"\n#EXT-X-I-FRAME-STREAM-INF:BANDWIDTH=1,URI="iframes.m3u8?${PLAYLIST}"`,
    );
  });

  it('never hands the signature to another host, another upload or a path that climbs out of the folder', () => {
    const hostile = [
      'https://evil.example/media/u1/steal.ts',
      '//evil.example/media/u1/steal.ts',
      'https://cdn.example/media/u2/other.ts',
      '../u2/other.ts',
      '/media/u2/other.ts',
      'http://cdn.example/media/u1/downgrade.ts',
      '#EXT-X-KEY:METHOD=AES-128,URI="https://evil.example/key"',
      '#EXT-X-KEY:METHOD=SAMPLE-AES,URI="skd://key-id"',
      'data:text/plain,hello',
    ].join('\n');
    expect(rewritePlaylist(hostile, `${SCOPE}720p.m3u8`, grant)).toBe(hostile);
  });

  it('signs absolute URIs inside the scope, and keeps a query a URI already has', () => {
    const text = [`${SCOPE}a.ts`, 'b.ts?part=2', '/media/u1/c.ts#t=1'].join('\n');
    expect(rewritePlaylist(text, `${SCOPE}720p.m3u8`, grant).split('\n')).toEqual([`${SCOPE}a.ts?${MEDIA}`, `b.ts?part=2&${MEDIA}`, `/media/u1/c.ts?${MEDIA}#t=1`]);
  });

  it('replaces grant parameters a URI already carries, so none appears twice', () => {
    const text = 'a.ts?Policy=stale&x=1&Signature=stale&Key-Pair-Id=K0&grant-policy=stale';
    expect(rewritePlaylist(text, `${SCOPE}720p.m3u8`, grant)).toBe(`a.ts?x=1&${MEDIA}`);
  });

  it('rewrites a long playlist (50,000 lines) line for line', () => {
    const lines = Array.from({ length: 50_000 }, (_, index) => (index % 2 === 0 ? '#EXTINF:2.0,' : `s${index}.ts`));
    const rewritten = rewritePlaylist(lines.join('\n'), `${SCOPE}720p.m3u8`, grant).split('\n');
    expect(rewritten).toHaveLength(50_000);
    expect(rewritten[1]).toBe(`s1.ts?${MEDIA}`);
  });
});
