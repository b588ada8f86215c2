import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MEDIA_ACCESS_ENV, ENV } from '../../../../../lambdas/shared/config.js';
import { grantMedia, mediaGrantFor, resetMediaSigner, withMediaAccess } from '../../../../../lambdas/shared/mediaAccess/mediaSigner.js';
import { grantQuery } from '../../../../../lambdas/shared/mediaAccess/signedQuery.js';
import { verifyMediaGrant } from '../../../../../lambdas/shared/mediaAccess/verifyMediaGrant.js';
import type { MediaInfo } from '../../../../../lambdas/shared/uploadRecord.js';
import { testKeyPair } from './grantKeys.js';

const secrets = mockClient(SecretsManagerClient);
const { privateKey, publicKey } = testKeyPair();
const PEM = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const BASE = 'https://cdn.example';
const SECRET_ARN = 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:media-signing-AbCdEf';
const NOW = new Date('2026-11-27T12:00:00Z');
const media: MediaInfo = {
  kind: 'video',
  hlsUrl: `${BASE}/media/u1/master.m3u8`,
  renditions: [{ width: 1280, height: 720, bandwidth: 1, codecs: 'avc1', url: `${BASE}/media/u1/720p.m3u8` }],
  posterUrl: `${BASE}/media/u1/poster.jpg`,
  thumbnails: { spriteUrl: `${BASE}/media/u1/sprite.jpg`, vttUrl: `${BASE}/media/u1/thumbnails.vtt` },
};

beforeEach(() => {
  secrets.reset();
  resetMediaSigner();
  process.env[ENV.mediaBaseUrl] = BASE;
  process.env[MEDIA_ACCESS_ENV.access] = 'signed';
  process.env[MEDIA_ACCESS_ENV.urlLifetimeSeconds] = '21600';
  process.env[MEDIA_ACCESS_ENV.signingKeyPairId] = 'K1';
  process.env[MEDIA_ACCESS_ENV.signingKeySecret] = SECRET_ARN;
  secrets.on(GetSecretValueCommand, { SecretId: SECRET_ARN }).resolves({ SecretString: PEM });
});

afterEach(() => {
  for (const name of [ENV.mediaBaseUrl, ...Object.values(MEDIA_ACCESS_ENV)]) delete process.env[name];
});

describe('withMediaAccess', () => {
  it('leaves an upload as it is under public access, without reading any secret', async () => {
    process.env[MEDIA_ACCESS_ENV.access] = 'public';
    const upload = { uploadId: 'u1', media };
    expect(await withMediaAccess(upload, NOW)).toBe(upload);
    expect(secrets).not.toHaveReceivedAnyCommand();
  });

  it('signs every media URL for the lifetime set, says when they expire, and the signature verifies with the public key', async () => {
    const granted = await withMediaAccess({ uploadId: 'u1', status: 'ready', media }, NOW);
    const expiresAt = new Date(NOW.getTime() + 21_600_000);
    expect(granted.media?.urlsExpireAt).toBe(expiresAt.toISOString());
    const hls = new URL(granted.media!.hlsUrl!);
    const verdict = verifyMediaGrant({
      policy: hls.searchParams.get('Policy') ?? undefined,
      signature: hls.searchParams.get('Signature') ?? undefined,
      keyPairId: hls.searchParams.get('Key-Pair-Id') ?? undefined,
      url: `${BASE}/media/u1/sprite.jpg`,
      publicKeys: new Map([['K1', publicKey]]),
      now: NOW,
    });
    expect(verdict).toMatchObject({ ok: true, grant: { resource: `${BASE}/media/u1/*`, expiresAt } });
    expect(granted).toMatchObject({ uploadId: 'u1', status: 'ready' });
  });

  it('reads the key once per container', async () => {
    await withMediaAccess({ uploadId: 'u1', media }, NOW);
    await withMediaAccess({ uploadId: 'u2', media }, NOW);
    expect(secrets).toHaveReceivedCommandTimes(GetSecretValueCommand, 1);
  });

  it('tries the secret again after a failed read instead of failing for the life of the container', async () => {
    secrets.on(GetSecretValueCommand).rejectsOnce(new Error('throttled')).resolves({ SecretString: PEM });
    await expect(mediaGrantFor('u1', NOW)).rejects.toThrow('throttled');
    await expect(mediaGrantFor('u1', NOW)).resolves.toMatchObject({ keyPairId: 'K1' });
  });

  it('fails with the secret named when it holds no private key', async () => {
    secrets.on(GetSecretValueCommand).resolves({ SecretString: 'not a key' });
    await expect(mediaGrantFor('u1', NOW)).rejects.toThrow(`The media signing secret ${SECRET_ARN} does not hold a PEM private key`);
  });

  it('leaves an upload without media as it is', async () => {
    const upload = { uploadId: 'u1' };
    expect(await withMediaAccess(upload, NOW)).toBe(upload);
  });
});

describe('grantMedia', () => {
  it('puts the copies for the playlist origin on the URLs it serves only: playlists and the thumbnail track', async () => {
    const grant = await mediaGrantFor('u1', NOW);
    const granted = grantMedia(media, grant);
    expect(granted.hlsUrl).toBe(`${BASE}/media/u1/master.m3u8?${grantQuery(grant, true)}`);
    expect(granted.renditions?.[0]?.url).toBe(`${BASE}/media/u1/720p.m3u8?${grantQuery(grant, true)}`);
    expect(granted.posterUrl).toBe(`${BASE}/media/u1/poster.jpg?${grantQuery(grant, false)}`);
    expect(granted.thumbnails).toEqual({
      spriteUrl: `${BASE}/media/u1/sprite.jpg?${grantQuery(grant, false)}`,
      vttUrl: `${BASE}/media/u1/thumbnails.vtt?${grantQuery(grant, true)}`,
    });
  });

  it("leaves a URL outside the upload's folder unsigned", async () => {
    const grant = await mediaGrantFor('u1', NOW);
    expect(grantMedia({ kind: 'image', posterUrl: `${BASE}/media/u2/poster.jpg` }, grant).posterUrl).toBe(`${BASE}/media/u2/poster.jpg`);
  });
});
