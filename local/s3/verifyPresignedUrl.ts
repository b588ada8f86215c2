import type { LocalCredentials } from '../localDefaults.js';
import type { S3ErrorInfo } from './s3ErrorXml.js';
import {
  invalidAccessKeyId,
  isoSeconds,
  localSigner,
  MAX_CLOCK_SKEW_MS,
  parseAmzDate,
  parseCredentialScope,
  type ReceivedRequest,
  sameText,
  SIGV4_ALGORITHM,
  signableQuery,
  signatureDoesNotMatch,
  signedHeaderValues,
  unsignedAmzHeaders,
} from '../sigv4/sigV4Checks.js';

/** A request that carries SigV4 query authentication, as it arrived on the wire. */
export type PresignedRequest = ReceivedRequest;

const REQUIRED_PARAMS = ['X-Amz-Algorithm', 'X-Amz-Credential', 'X-Amz-Date', 'X-Amz-Expires', 'X-Amz-SignedHeaders', 'X-Amz-Signature'];
const MAX_EXPIRES_SECONDS = 604_800;
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
  if (param('X-Amz-Algorithm') !== SIGV4_ALGORITHM) {
    return queryParametersError(`X-Amz-Algorithm only supports "${SIGV4_ALGORITHM}"`);
  }

  const accessKeyId = param('X-Amz-Credential').split('/')[0] ?? '';
  if (accessKeyId !== credentials.accessKeyId) return invalidAccessKeyId(accessKeyId);
  const scope = parseCredentialScope(param('X-Amz-Credential'));
  if (!scope) {
    return queryParametersError(`Error parsing the X-Amz-Credential parameter: ${param('X-Amz-Credential')}`);
  }

  const signedAt = parseAmzDate(param('X-Amz-Date'));
  if (signedAt === undefined) {
    return queryParametersError('X-Amz-Date must be in the ISO8601 Long Format "yyyyMMdd\'T\'HHmmss\'Z\'"');
  }
  if (!param('X-Amz-Date').startsWith(scope.date)) {
    return queryParametersError(`Invalid credential date "${scope.date}". This date is not the same as X-Amz-Date.`);
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

  const signedHeaderNames = param('X-Amz-SignedHeaders').split(';').filter(Boolean);
  const unsigned = unsignedAmzHeaders(request.headers, signedHeaderNames);
  if (unsigned) return unsigned;

  const expected = await recomputeQuery(request, credentials, signedHeaderNames, { signedAt, expiresIn, region: scope.region, service: scope.service });
  const provided = param('X-Amz-Signature');
  const matches =
    sameText(expected['X-Amz-Signature'], provided) &&
    sameText(expected['X-Amz-SignedHeaders'], param('X-Amz-SignedHeaders')) &&
    sameText(expected['X-Amz-Credential'], param('X-Amz-Credential'));
  return matches ? undefined : signatureDoesNotMatch(accessKeyId, provided);
}

interface SigningWindow {
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
  signedHeaderNames: readonly string[],
  window: SigningWindow,
): Promise<Record<string, string | string[] | null>> {
  const headers = signedHeaderValues(request.headers, signedHeaderNames);
  const payloadHashSigned = signedHeaderNames.includes(CONTENT_SHA256);
  if (!payloadHashSigned) headers[CONTENT_SHA256] = request.query.get('X-Amz-Content-Sha256') ?? UNSIGNED_PAYLOAD;

  const signed = await localSigner(credentials, window).presign(
    {
      method: request.method,
      protocol: 'http:',
      hostname: 'localhost',
      path: request.rawPath,
      query: signableQuery(request.query, 'X-Amz-Signature'),
      headers,
    },
    {
      signingDate: window.signedAt,
      expiresIn: window.expiresIn,
      signableHeaders: new Set(signedHeaderNames),
      unsignableHeaders: payloadHashSigned ? new Set() : new Set([CONTENT_SHA256]),
      unhoistableHeaders: new Set([...signedHeaderNames, CONTENT_SHA256]),
    },
  );
  return signed.query as Record<string, string | string[] | null>;
}

function queryParametersError(message: string): S3ErrorInfo {
  return { status: 400, code: 'AuthorizationQueryParametersError', message };
}
