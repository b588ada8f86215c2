import { timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { Hash } from '@smithy/hash-node';
import { SignatureV4 } from '@smithy/signature-v4';
import type { LocalCredentials } from '../localDefaults.js';
import type { S3ErrorInfo } from './s3ErrorXml.js';

/** A request that carries SigV4 query authentication, as it arrived on the wire. */
export interface PresignedRequest {
  readonly method: string;
  /** The path exactly as sent (still percent-encoded): S3 signs it as is. */
  readonly rawPath: string;
  readonly query: URLSearchParams;
  /** Lower-case header names, as Node parses them. */
  readonly headers: IncomingHttpHeaders;
}

const REQUIRED_PARAMS = ['X-Amz-Algorithm', 'X-Amz-Credential', 'X-Amz-Date', 'X-Amz-Expires', 'X-Amz-SignedHeaders', 'X-Amz-Signature'];
const MAX_EXPIRES_SECONDS = 604_800;
/** S3 refuses a URL dated further ahead than its clock skew allowance. */
const MAX_CLOCK_SKEW_MS = 15 * 60 * 1000;
const UNSIGNED_PAYLOAD = 'UNSIGNED-PAYLOAD';
const CONTENT_SHA256 = 'x-amz-content-sha256';

/** True when the request authenticates with SigV4 query parameters (a presigned URL). */
export function isPresigned(query: URLSearchParams): boolean {
  return query.has('X-Amz-Algorithm');
}

/**
 * Checks a presigned URL the way S3 does: the validity window from `X-Amz-Date` and
 * `X-Amz-Expires`, then the signature recomputed with the local secret over the method, path,
 * query and the signed headers as received. A part URL signs `content-length`, so a body of
 * another size fails the signature like on S3. Returns the S3 error to answer with, or
 * undefined when the URL is valid.
 */
export async function verifyPresignedUrl(
  request: PresignedRequest,
  credentials: LocalCredentials,
  now: Date = new Date(),
): Promise<S3ErrorInfo | undefined> {
  const { query } = request;
  if (REQUIRED_PARAMS.some((name) => !query.has(name))) {
    return queryParametersError(
      `Query-string authentication version 4 requires the ${REQUIRED_PARAMS.join(', ')} parameters.`,
    );
  }
  const param = (name: string): string => query.get(name) ?? '';
  if (param('X-Amz-Algorithm') !== 'AWS4-HMAC-SHA256') {
    return queryParametersError('X-Amz-Algorithm only supports "AWS4-HMAC-SHA256"');
  }

  const [accessKeyId = '', scopeDate = '', region = '', service = '', terminator = ''] = param('X-Amz-Credential').split('/');
  if (accessKeyId !== credentials.accessKeyId) {
    return {
      status: 403,
      code: 'InvalidAccessKeyId',
      message: 'The AWS Access Key Id you provided does not exist in our records.',
      detail: { AWSAccessKeyId: accessKeyId },
    };
  }
  if (!region || !service || terminator !== 'aws4_request') {
    return queryParametersError(`Error parsing the X-Amz-Credential parameter: ${param('X-Amz-Credential')}`);
  }

  const signedAt = parseAmzDate(param('X-Amz-Date'));
  if (signedAt === undefined) {
    return queryParametersError('X-Amz-Date must be in the ISO8601 Long Format "yyyyMMdd\'T\'HHmmss\'Z\'"');
  }
  if (!param('X-Amz-Date').startsWith(scopeDate)) {
    return queryParametersError(`Invalid credential date "${scopeDate}". This date is not the same as X-Amz-Date.`);
  }
  const expiresIn = Number(param('X-Amz-Expires'));
  if (!Number.isInteger(expiresIn) || expiresIn < 1 || expiresIn > MAX_EXPIRES_SECONDS) {
    return queryParametersError(
      `X-Amz-Expires must be a whole number of seconds from 1 to ${MAX_EXPIRES_SECONDS}, got ${param('X-Amz-Expires')}`,
    );
  }
  const expiresAt = new Date(signedAt.getTime() + expiresIn * 1000);
  if (now > expiresAt) {
    return {
      status: 403,
      code: 'AccessDenied',
      message: 'Request has expired',
      detail: { 'X-Amz-Expires': String(expiresIn), Expires: isoSeconds(expiresAt), ServerTime: isoSeconds(now) },
    };
  }
  if (signedAt.getTime() - now.getTime() > MAX_CLOCK_SKEW_MS) {
    return { status: 403, code: 'AccessDenied', message: 'Request is not valid yet' };
  }

  const expected = await recomputeQuery(request, credentials, { signedAt, expiresIn, region, service });
  const provided = param('X-Amz-Signature');
  const matches =
    sameText(expected['X-Amz-Signature'], provided) &&
    sameText(expected['X-Amz-SignedHeaders'], param('X-Amz-SignedHeaders')) &&
    sameText(expected['X-Amz-Credential'], param('X-Amz-Credential'));
  if (!matches) {
    return {
      status: 403,
      code: 'SignatureDoesNotMatch',
      message: 'The request signature we calculated does not match the signature you provided. Check your key and signing method.',
      detail: { AWSAccessKeyId: accessKeyId, SignatureProvided: provided },
    };
  }
  return undefined;
}

interface SigningScope {
  readonly signedAt: Date;
  readonly expiresIn: number;
  readonly region: string;
  readonly service: string;
}

/**
 * Presigns the received request again with the local secret. Only the headers the URL names
 * as signed take part (a signed header missing from the request drops out of the list, so the
 * comparison fails); none of them is moved into the query, and the payload hash is the
 * query's `X-Amz-Content-Sha256` or S3's default for presigned URLs, UNSIGNED-PAYLOAD.
 */
async function recomputeQuery(
  request: PresignedRequest,
  credentials: LocalCredentials,
  scope: SigningScope,
): Promise<Record<string, string | string[] | null>> {
  const signedHeaderNames = (request.query.get('X-Amz-SignedHeaders') ?? '').split(';').filter(Boolean);
  const headers: Record<string, string> = {};
  for (const name of signedHeaderNames) {
    const value = request.headers[name];
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(',') : value;
  }
  const payloadHashSigned = signedHeaderNames.includes(CONTENT_SHA256);
  if (!payloadHashSigned) headers[CONTENT_SHA256] = request.query.get('X-Amz-Content-Sha256') ?? UNSIGNED_PAYLOAD;

  const query: Record<string, string | string[]> = {};
  for (const [name, value] of request.query) {
    if (name === 'X-Amz-Signature') continue;
    const existing = query[name];
    query[name] = existing === undefined ? value : [...(Array.isArray(existing) ? existing : [existing]), value];
  }

  const signer = new SignatureV4({
    credentials,
    region: scope.region,
    service: scope.service,
    sha256: Hash.bind(null, 'sha256'),
    uriEscapePath: false,
    applyChecksum: false,
  });
  const signed = await signer.presign(
    { method: request.method, protocol: 'http:', hostname: 'localhost', path: request.rawPath, query, headers },
    {
      signingDate: scope.signedAt,
      expiresIn: scope.expiresIn,
      signableHeaders: new Set(signedHeaderNames),
      unsignableHeaders: payloadHashSigned ? new Set() : new Set([CONTENT_SHA256]),
      unhoistableHeaders: new Set([...signedHeaderNames, CONTENT_SHA256]),
    },
  );
  return signed.query as Record<string, string | string[] | null>;
}

function sameText(expected: string | string[] | null | undefined, provided: string): boolean {
  if (typeof expected !== 'string') return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(provided);
  return a.length === b.length && timingSafeEqual(a, b);
}

function parseAmzDate(value: string): Date | undefined {
  const match = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (!match) return undefined;
  const [, year, month, day, hour, minute, second] = match.map(Number) as [number, number, number, number, number, number, number];
  const date = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
  return Number.isNaN(date.getTime()) ? undefined : date;
}

function isoSeconds(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function queryParametersError(message: string): S3ErrorInfo {
  return { status: 400, code: 'AuthorizationQueryParametersError', message };
}
