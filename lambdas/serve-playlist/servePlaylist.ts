import { GetObjectCommand } from '@aws-sdk/client-s3';
import type { APIGatewayProxyStructuredResultV2 as LambdaFunctionURLResult, LambdaFunctionURLEvent } from 'aws-lambda';
import { mediaBucketName, mediaPublicKeys } from '../shared/config.js';
import { rewritePlaylist } from '../shared/mediaAccess/rewritePlaylist.js';
import { rewriteThumbnailTrack } from '../shared/mediaAccess/rewriteThumbnailTrack.js';
import { ORIGIN_COPY } from '../shared/mediaAccess/signedQuery.js';
import { policyResourceOrigin, verifyMediaGrant } from '../shared/mediaAccess/verifyMediaGrant.js';
import { s3 } from '../shared/s3.js';
import { isMissingObject } from '../shared/s3Errors.js';

/** An index under one upload's folder: safe segments only, so no `.`/`..` and no encoded separators reach a key. */
const INDEX_PATH = /^\/media\/[A-Za-z0-9_-]{1,64}\/(?:[A-Za-z0-9_-][A-Za-z0-9_.-]{0,127}\/){0,4}[A-Za-z0-9_-][A-Za-z0-9_.-]{0,127}\.(m3u8|vtt)$/;
/** Larger than any index processing writes (a 12-hour rendition at 2 s segments is under 2 MB). */
const MAX_INDEX_BYTES = 8 * 1024 * 1024;

/** How each kind of index is served: its type, and how the URIs inside it get the grant. */
const INDEXES = {
  m3u8: { contentType: 'application/vnd.apple.mpegurl', rewrite: rewritePlaylist },
  vtt: { contentType: 'text/vtt; charset=utf-8', rewrite: rewriteThumbnailTrack },
} as const;

const bucket = mediaBucketName();
const publicKeys = mediaPublicKeys();

/**
 * The origin of `*.m3u8` and `*.vtt` under signed media access (lib/Cdn.ts): CloudFront has checked the
 * viewer's signature and removed it from the request, which still carries the copies
 * (`grant-*`) that the URL held for this origin. The copies are checked again here with the key
 * group's public keys (the origin cannot know they equal what CloudFront checked), against the
 * URL the viewer asked for: the host is the policy resource's (a function URL request carries the
 * function's host, and the distribution's own name would make the function depend on the
 * distribution that depends on it), the path is the request's. The playlist
 * (or thumbnail track) is read from the media bucket, and every URI in it gets the same signed
 * query, so a native player that requests exactly the URIs listed is let through for the grant's
 * lifetime.
 */
export async function servePlaylist(event: LambdaFunctionURLEvent, now: Date = new Date()): Promise<LambdaFunctionURLResult> {
  const method = event.requestContext.http.method;
  if (method === 'OPTIONS') return { statusCode: 204, headers: { allow: 'GET, HEAD, OPTIONS' } };
  if (method !== 'GET' && method !== 'HEAD') return refuse(405, 'METHOD_NOT_ALLOWED', `Playlists are read with GET or HEAD, not ${method}`, { allow: 'GET, HEAD, OPTIONS' });
  const path = event.rawPath;
  const extension = INDEX_PATH.exec(path)?.[1] as keyof typeof INDEXES | undefined;
  if (extension === undefined) return refuse(404, 'NOT_FOUND', 'No playlist at this path');
  const index = INDEXES[extension];

  const query = new URLSearchParams(event.rawQueryString);
  // One grant has one spelling: a repeated copy would be another cache key for the same grant.
  const repeated = Object.values(ORIGIN_COPY).find((name) => query.getAll(name).length > 1);
  if (repeated !== undefined) return refuse(403, 'FORBIDDEN', `Access denied: ${repeated} appears more than once`);
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
  if ((object.ContentLength ?? 0) > MAX_INDEX_BYTES) {
    throw new Error(`${path} holds ${object.ContentLength} bytes, more than a playlist or track of this pipeline can`);
  }
  const text = (await object.Body?.transformToString('utf-8')) ?? '';
  const body = index.rewrite(text, url, verdict.grant);
  return {
    statusCode: 200,
    headers: {
      'content-type': index.contentType,
      ...(object.CacheControl === undefined ? {} : { 'cache-control': object.CacheControl }),
      'content-length': String(Buffer.byteLength(body)),
    },
    body: method === 'HEAD' ? '' : body,
  };
}

function refuse(statusCode: number, code: string, message: string, headers: Record<string, string> = {}): LambdaFunctionURLResult {
  return { statusCode, headers: { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers }, body: JSON.stringify({ error: { code, message } }) };
}
