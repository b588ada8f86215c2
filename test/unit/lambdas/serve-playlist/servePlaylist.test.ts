import { GetObjectCommand, NoSuchKey, S3Client } from '@aws-sdk/client-s3';
import type { LambdaFunctionURLEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ENV, MEDIA_ACCESS_ENV } from '../../../../lambdas/shared/config.js';
import { grantQuery, SIGNED_QUERY } from '../../../../lambdas/shared/mediaAccess/signedQuery.js';
import { type MediaGrant, signMediaGrant } from '../../../../lambdas/shared/mediaAccess/signMediaGrant.js';
import { testKeyPair } from '../shared/mediaAccess/grantKeys.js';

const s3 = mockClient(S3Client);
const { privateKey, publicKey } = testKeyPair();
const BASE = 'https://cdn.example';
const NOW = new Date('2026-11-27T12:00:00Z');
const MASTER = '#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1400000\n720p.m3u8\n';
const VARIANT = '#EXTM3U\n#EXTINF:6.0,\nsegment_000.ts\n#EXT-X-ENDLIST\n';
const TRACK = 'WEBVTT\n\n00:00:00.000 --> 00:00:05.000\nsprite.jpg#xywh=0,0,160,90\n';

process.env[ENV.mediaBucket] = 'media-bucket';
process.env[MEDIA_ACCESS_ENV.publicKeys] = JSON.stringify({ K1: publicKey.export({ type: 'spki', format: 'pem' }).toString() });

let servePlaylist: typeof import('../../../../lambdas/serve-playlist/servePlaylist.js').servePlaylist;
beforeAll(async () => {
  ({ servePlaylist } = await import('../../../../lambdas/serve-playlist/servePlaylist.js'));
});

function grantFor(uploadId: string, expiresAt = new Date('2026-11-27T18:00:00Z')): MediaGrant {
  return signMediaGrant({ scope: `${BASE}/media/${uploadId}/`, expiresAt, keyPairId: 'K1', privateKey });
}

/** The request as it reaches the origin: CloudFront has removed Policy, Signature and Key-Pair-Id. */
function originRequest(path: string, query: string, method = 'GET'): LambdaFunctionURLEvent {
  const kept = query.split('&').filter((pair) => !Object.values(SIGNED_QUERY).includes(pair.split('=')[0] as never));
  return { rawPath: path, rawQueryString: kept.join('&'), requestContext: { http: { method } } } as unknown as LambdaFunctionURLEvent;
}

function object(text: string) {
  return { Body: { transformToString: async () => text } as never, ContentLength: text.length, CacheControl: 'public, max-age=300' };
}

beforeEach(() => {
  s3.reset();
  s3.on(GetObjectCommand, { Bucket: 'media-bucket', Key: 'media/u1/master.m3u8' }).resolves(object(MASTER));
  s3.on(GetObjectCommand, { Bucket: 'media-bucket', Key: 'media/u1/720p.m3u8' }).resolves(object(VARIANT));
  s3.on(GetObjectCommand, { Bucket: 'media-bucket', Key: 'media/u1/thumbnails/thumbnails.vtt' }).resolves(object(TRACK));
});

describe('servePlaylist', () => {
  it('serves the master playlist with the same grant on every variant, as a playlist, cached as the object says', async () => {
    const grant = grantFor('u1');
    const response = await servePlaylist(originRequest('/media/u1/master.m3u8', grantQuery(grant, true)), NOW);
    expect(response).toMatchObject({ statusCode: 200, headers: { 'content-type': 'application/vnd.apple.mpegurl', 'cache-control': 'public, max-age=300' } });
    expect(response.body).toBe(`#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1400000\n720p.m3u8?${grantQuery(grant, true)}\n`);
    expect(s3).toHaveReceivedCommandWith(GetObjectCommand, { Bucket: 'media-bucket', Key: 'media/u1/master.m3u8' });
  });

  it('signs the segments of a variant playlist with what CloudFront checks', async () => {
    const grant = grantFor('u1');
    const response = await servePlaylist(originRequest('/media/u1/720p.m3u8', grantQuery(grant, true)), NOW);
    expect(response.body).toBe(`#EXTM3U\n#EXTINF:6.0,\nsegment_000.ts?${grantQuery(grant, false)}\n#EXT-X-ENDLIST\n`);
  });

  it('serves the thumbnail track as WebVTT with the grant on the sprite each cue names, before its fragment', async () => {
    const grant = grantFor('u1');
    const response = await servePlaylist(originRequest('/media/u1/thumbnails/thumbnails.vtt', grantQuery(grant, true)), NOW);
    expect(response).toMatchObject({ statusCode: 200, headers: { 'content-type': 'text/vtt; charset=utf-8' } });
    expect(response.body).toBe(`WEBVTT\n\n00:00:00.000 --> 00:00:05.000\nsprite.jpg?${grantQuery(grant, false)}#xywh=0,0,160,90\n`);
  });

  it('refuses a grant copy given twice with 403, reading nothing: one grant, one spelling, one cache key', async () => {
    const query = grantQuery(grantFor('u1'), true);
    const response = await servePlaylist(originRequest('/media/u1/master.m3u8', `${query}&grant-policy=${new URLSearchParams(query).get('grant-policy')}`), NOW);
    expect(response.statusCode).toBe(403);
    expect(JSON.parse(response.body as string)).toEqual({ error: { code: 'FORBIDDEN', message: 'Access denied: grant-policy appears more than once' } });
    expect(s3).not.toHaveReceivedCommand(GetObjectCommand);
  });

  it('refuses an unsigned thumbnail track with 403, reading nothing', async () => {
    expect((await servePlaylist(originRequest('/media/u1/thumbnails/thumbnails.vtt', ''), NOW)).statusCode).toBe(403);
    expect(s3).not.toHaveReceivedCommand(GetObjectCommand);
  });

  it('refuses with 403, reading nothing, a request without the copies, with an expired grant, or a grant for another upload', async () => {
    const cases = [
      originRequest('/media/u1/master.m3u8', ''),
      originRequest('/media/u1/master.m3u8', grantQuery(grantFor('u1', new Date('2026-11-27T11:00:00Z')), true)),
      originRequest('/media/u1/master.m3u8', grantQuery(grantFor('u2'), true)),
    ];
    for (const request of cases) {
      const response = await servePlaylist(request, NOW);
      expect(response.statusCode, request.rawQueryString).toBe(403);
      expect(JSON.parse(response.body!)).toMatchObject({ error: { code: 'FORBIDDEN' } });
    }
    expect(s3).not.toHaveReceivedAnyCommand();
  });

  it('answers 404 for paths that are not a playlist of one upload, without touching S3', async () => {
    const query = grantQuery(grantFor('u1'), true);
    for (const path of ['/media/u1/segment_000.ts', '/media/u1/../u2/master.m3u8', '/media/u1/./master.m3u8', '/media/u1%2Fx.m3u8', '/uploads/u1/source.m3u8', '/media/u1/.m3u8']) {
      expect((await servePlaylist(originRequest(path, query), NOW)).statusCode, path).toBe(404);
    }
    expect(s3).not.toHaveReceivedAnyCommand();
  });

  it('answers 404 for a playlist that does not exist, and 405 for other methods', async () => {
    s3.on(GetObjectCommand, { Key: 'media/u1/missing.m3u8' }).rejects(new NoSuchKey({ message: 'gone', $metadata: {} }));
    // What S3 really answers this function, which may read objects but not list the bucket.
    const denied = Object.assign(new Error('Access Denied'), { name: 'AccessDenied', $metadata: { httpStatusCode: 403 } });
    s3.on(GetObjectCommand, { Key: 'media/u1/gone/index.m3u8' }).rejects(denied);
    const query = grantQuery(grantFor('u1'), true);
    expect((await servePlaylist(originRequest('/media/u1/missing.m3u8', query), NOW)).statusCode).toBe(404);
    expect((await servePlaylist(originRequest('/media/u1/gone/index.m3u8', query), NOW)).statusCode).toBe(404);
    expect(await servePlaylist(originRequest('/media/u1/master.m3u8', query, 'POST'), NOW)).toMatchObject({ statusCode: 405, headers: { allow: 'GET, HEAD, OPTIONS' } });
  });

  it('answers a CORS preflight without reading anything', async () => {
    expect(await servePlaylist(originRequest('/media/u1/master.m3u8', '', 'OPTIONS'), NOW)).toMatchObject({ statusCode: 204 });
    expect(s3).not.toHaveReceivedAnyCommand();
  });

  it('answers HEAD with the headers and no body', async () => {
    const response = await servePlaylist(originRequest('/media/u1/master.m3u8', grantQuery(grantFor('u1'), true), 'HEAD'), NOW);
    expect(response).toMatchObject({ statusCode: 200, body: '' });
    expect(Number(response.headers?.['content-length'])).toBeGreaterThan(MASTER.length);
  });
});
