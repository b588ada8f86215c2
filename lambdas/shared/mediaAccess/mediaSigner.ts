import { createPrivateKey, type KeyObject } from 'node:crypto';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mediaAccess, mediaBaseUrl, mediaSigningSettings, secretsManagerEndpoint } from '../config.js';
import { ConfigError } from '../errors.js';
import { mediaPrefix } from '../keys.js';
import type { MediaInfo } from '../uploadRecord.js';
import { type MediaGrant, signMediaGrant } from './signMediaGrant.js';
import { withGrant } from './withGrant.js';

const localEndpoint = secretsManagerEndpoint();
let client: SecretsManagerClient | undefined;
let privateKey: Promise<KeyObject> | undefined;

/**
 * The signing key, read from Secrets Manager once per container. A failed read is forgotten, so
 * the next request tries again instead of the container failing for good.
 */
function signingKey(secretId: string): Promise<KeyObject> {
  privateKey ??= readSigningKey(secretId).catch((error: unknown) => {
    privateKey = undefined;
    throw error;
  });
  return privateKey;
}

async function readSigningKey(secretId: string): Promise<KeyObject> {
  client ??= new SecretsManagerClient(localEndpoint ? { endpoint: localEndpoint } : {});
  const secret = await client.send(new GetSecretValueCommand({ SecretId: secretId }));
  if (secret.SecretString === undefined) throw new ConfigError(`The media signing secret ${secretId} holds no string`);
  try {
    return createPrivateKey(secret.SecretString);
  } catch (cause) {
    throw new ConfigError(`The media signing secret ${secretId} does not hold a PEM private key`, { cause });
  }
}

/** A grant for every output of one upload, valid for the configured lifetime from `now`. */
export async function mediaGrantFor(uploadId: string, now: Date = new Date()): Promise<MediaGrant> {
  const settings = mediaSigningSettings();
  return signMediaGrant({
    scope: `${mediaBaseUrl()}/${mediaPrefix(uploadId)}`,
    expiresAt: new Date(now.getTime() + settings.urlLifetimeSeconds * 1000),
    keyPairId: settings.keyPairId,
    privateKey: await signingKey(settings.secretId),
  });
}

/**
 * The upload as a client may see it: under public access unchanged; under signed access its
 * media URLs carry a fresh grant and `media.urlsExpireAt` says until when they work. URLs
 * outside the upload's own folder (none today) are left as they are.
 */
export async function withMediaAccess<T extends { readonly uploadId: string; readonly media?: MediaInfo }>(upload: T, now: Date = new Date()): Promise<T> {
  if (upload.media === undefined || mediaAccess() === 'public') return upload;
  const grant = await mediaGrantFor(upload.uploadId, now);
  return { ...upload, media: grantMedia(upload.media, grant) };
}

/** Every URL of `media` with the grant appended. */
export function grantMedia(media: MediaInfo, grant: MediaGrant): MediaInfo {
  const sign = (url: string) => withGrant(url, url, grant) ?? url;
  return {
    ...media,
    ...(media.hlsUrl === undefined ? {} : { hlsUrl: sign(media.hlsUrl) }),
    ...(media.renditions === undefined ? {} : { renditions: media.renditions.map((rendition) => ({ ...rendition, url: sign(rendition.url) })) }),
    ...(media.posterUrl === undefined ? {} : { posterUrl: sign(media.posterUrl) }),
    ...(media.thumbnails === undefined ? {} : { thumbnails: { spriteUrl: sign(media.thumbnails.spriteUrl), vttUrl: sign(media.thumbnails.vttUrl) } }),
    ...(media.waveformUrl === undefined ? {} : { waveformUrl: sign(media.waveformUrl) }),
    ...(media.images === undefined ? {} : { images: media.images.map((image) => ({ ...image, url: sign(image.url) })) }),
    urlsExpireAt: grant.expiresAt.toISOString(),
  };
}

/** Tests change the environment between cases; this forgets the cached key and client. */
export function resetMediaSigner(): void {
  privateKey = undefined;
  client = undefined;
}
