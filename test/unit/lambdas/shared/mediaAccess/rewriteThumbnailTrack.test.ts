import { describe, expect, it } from 'vitest';
import { rewriteThumbnailTrack } from '../../../../../lambdas/shared/mediaAccess/rewriteThumbnailTrack.js';
import { grantQuery } from '../../../../../lambdas/shared/mediaAccess/signedQuery.js';
import { signMediaGrant } from '../../../../../lambdas/shared/mediaAccess/signMediaGrant.js';
import { testKeyPair } from './grantKeys.js';

const { privateKey } = testKeyPair();
const SCOPE = 'https://cdn.example/media/u1/';
const TRACK_URL = `${SCOPE}thumbnails/thumbnails.vtt`;
const grant = signMediaGrant({ scope: SCOPE, expiresAt: new Date('2026-11-27T18:00:00Z'), keyPairId: 'K1', privateKey });
const MEDIA = grantQuery(grant, false);

describe('rewriteThumbnailTrack', () => {
  it("puts the signed query on every cue's sprite URI, before the #xywh fragment players crop by", () => {
    const track = [
      'WEBVTT',
      '',
      '00:00:00.000 --> 00:00:05.000',
      'sprite.jpg#xywh=0,0,160,90',
      '',
      '00:00:05.000 --> 00:00:10.000',
      'sprite.jpg#xywh=160,0,160,90',
      '',
    ].join('\n');
    expect(rewriteThumbnailTrack(track, TRACK_URL, grant).split('\n')).toEqual([
      'WEBVTT',
      '',
      '00:00:00.000 --> 00:00:05.000',
      `sprite.jpg?${MEDIA}#xywh=0,0,160,90`,
      '',
      '00:00:05.000 --> 00:00:10.000',
      `sprite.jpg?${MEDIA}#xywh=160,0,160,90`,
      '',
    ]);
  });

  it('leaves the header, NOTE blocks, cue identifiers, caption text and CRLF line ends as they are', () => {
    const track = 'WEBVTT - thumbnails\r\n\r\nNOTE made by media-pipeline.vtt\r\n\r\ncue-1\r\n00:00.000 --> 00:05.000\r\nsprite.jpg#xywh=0,0,1,1\r\nnot a uri\r\n';
    expect(rewriteThumbnailTrack(track, TRACK_URL, grant)).toBe(
      `WEBVTT - thumbnails\r\n\r\nNOTE made by media-pipeline.vtt\r\n\r\ncue-1\r\n00:00.000 --> 00:05.000\r\nsprite.jpg?${MEDIA}#xywh=0,0,1,1\r\nnot a uri\r\n`,
    );
  });

  it('never hands the signature to a URI outside the upload: another host, another upload, a climb out', () => {
    const track = [
      'WEBVTT',
      '',
      '00:00:00.000 --> 00:00:05.000',
      'https://evil.example/steal.jpg#xywh=0,0,1,1',
      '',
      '00:00:05.000 --> 00:00:10.000',
      '../../u2/thumbnails/sprite.jpg',
      '',
      '00:00:10.000 --> 00:00:15.000',
      '/media/u2/poster.jpg',
      '',
    ].join('\n');
    expect(rewriteThumbnailTrack(track, TRACK_URL, grant)).toBe(track);
  });
});
