import { GetObjectCommand } from '@aws-sdk/client-s3';
import type { APIGatewayProxyStructuredResultV2 as LambdaFunctionURLResult, LambdaFunctionURLEvent } from 'aws-lambda';
import { mediaBucketName, mediaPublicKeys } from '../shared/config.js';
import { rewritePlaylist } from '../shared/mediaAccess/rewritePlaylist.js';
import { ORIGIN_COPY } from '../shared/mediaAccess/signedQuery.js';
import { policyResourceOrigin, verifyMediaGrant } from '../shared/mediaAccess/verifyMediaGrant.js';
import { s3 } from '../shared/s3.js';
import { isMissingObject } from '../shared/s3Errors.js';

/** A playlist under one upload's folder: safe segments only, so no `.`/`..` and no encoded separators reach a key. */
const PLAYLIST_PATH = /^\/media\/[A-Za-z0-9_-]{1,64}\/(?:[A-Za-z0-9_-][A-Za-z0-9_.-]{0,127}\/){0,4}[A-Za-z0-9_-][A-Za-z0-9_.-]{0,127}\.m3u8$/;
/** Larger than any playlist processing writes (a 12-hour rendition at 2 s segments is under 2 MB). */
const MAX_PLAYLIST_BYTES = 8 * 1024 * 1024;
const PLAYLIST_TYPE = 'application/vnd.apple.mpegurl';

const bucket = mediaBucketName();
const publicKeys = mediaPublicKeys();

/**
 * The origin of `*.m3u8` under signed media access (lib/Cdn.ts): CloudFront has checked the
 * viewer's signature and removed it from the request, which still carries the copies
 * (`grant-*`) that the URL held for this origin. The copies are checked again here with the key
 * group's public keys (the origin cannot know they equal what CloudFront checked), against the
 * URL the viewer asked for: the host is the policy resource's (a function URL request carries the
 * function's host, and the distribution's own name would make the function depend on the
 * distribution that depends on it), the path is the request's. The playlist
 * is read from the media bucket, and every URI in it gets the same signed query, so a native
 * player that requests exactly the URIs listed is let through for the grant's lifetime.
 */
export async function servePlaylist(event: LambdaFunctionURLEvent, now: Date = new Date()): Promise<LambdaFunctionURLResult> {
  const method = event.requestContext.http.method;
  if (method === 'OPTIONS') return { statusCode: 204, headers: { allow: 'GET, HEAD, OPTIONS' } };
  if (method !== 'GET' && method !== 'HEAD') return refuse(405, 'METHOD_NOT_ALLOWED', `Playlists are read with GET or HEAD, not ${method}`, { allow: 'GET, HEAD, OPTIONS' });
  const path = event.rawPath;
  if (!PLAYLIST_PATH.test(path)) return refuse(404, 'NOT_FOUND', 'No playlist at this path');

  const query = new URLSearchParams(event.rawQueryString);
  const policy = query.get(ORIGIN_COPY.policy) ?? undefined;
  const url = `${policyResourceOrigin(policy) ?? 'https://unknown.invalid'}${path}`;
  const verdict = verifyMediaGrant({
    policy,
    signature: query.get(ORIGIN_COPY.signature) ?? undefined,
    keyPairId: query.get(ORIGIN_COPY.keyPairId) ?? undefined,
    url,
    publicKeys,
    now,
  });
  if (!verdict.ok) return refuse(403, 'FORBIDDEN', `Access denied: ${verdict.reason}`);

  let object;
  try {
    object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: path.slice(1) }));
  } catch (error) {
    // This function may read objects but not list the bucket, so S3 says AccessDenied for a key it lacks.
    if (isMissingObject(error)) return refuse(404, 'NOT_FOUND', 'No playlist at this path');
    throw error;
  }
  if ((object.ContentLength ?? 0) > MAX_PLAYLIST_BYTES) {
    throw new Error(`${path} holds ${object.ContentLength} bytes, more than a playlist of this pipeline can`);
  }
  const text = (await object.Body?.transformToString('utf-8')) ?? '';
  const body = rewritePlaylist(text, url, verdict.grant);
  return {
    statusCode: 200,
    headers: {
      'content-type': PLAYLIST_TYPE,
      ...(object.CacheControl === undefined ? {} : { 'cache-control': object.CacheControl }),
      'content-length': String(Buffer.byteLength(body)),
    },
    body: method === 'HEAD' ? '' : body,
  };
}

function refuse(statusCode: number, code: string, message: string, headers: Record<string, string> = {}): LambdaFunctionURLResult {
  return { statusCode, headers: { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers }, body: JSON.stringify({ error: { code, message } }) };
}
