import type { LocalCredentials } from '../localDefaults.js';
import {
  invalidAccessKeyId,
  localSigner,
  MAX_CLOCK_SKEW_MS,
  parseAmzDate,
  parseCredentialScope,
  type ReceivedRequest,
  sameText,
  SIGV4_ALGORITHM,
  type SigV4Refusal,
  signableQuery,
  signatureDoesNotMatch,
  signedHeaderValues,
  unsignedAmzHeaders,
} from './sigV4Checks.js';

const CONTENT_SHA256 = 'x-amz-content-sha256';
const AMZ_DATE = 'x-amz-date';

/**
 * Checks a request signed in its `Authorization` header (how the SDKs and the AWS CLI sign) the
 * way S3 does: SigV4 only, the local access key, an `x-amz-date` within 15 minutes of now, `host`
 * and every `x-amz-*` header signed, then the signature recomputed with the local secret over
 * the method, path, query and signed headers as received, with the payload hash the request
 * declares in `x-amz-content-sha256`. S3's streamed bodies are not hashed to compare with that
 * declaration: S3 does, but that proves the bytes arrived intact, not who sent them. A request
 * whose body was read whole (`bodySha256`, the JSON-protocol endpoints) is held to those bytes,
 * as those services hold it, and may leave the header out. With `service`, the credential scope
 * must name it. Returns the S3 error to answer with, or undefined when the signature is valid.
 */
export async function verifyAuthorizationHeader(
  request: ReceivedRequest,
  authorization: string,
  credentials: LocalCredentials,
  now: Date = new Date(),
  service?: string,
): Promise<SigV4Refusal | undefined> {
  const [algorithm = '', fieldList = ''] = splitOnce(authorization.trim(), ' ');
  if (algorithm !== SIGV4_ALGORITHM) {
    return {
      status: 400,
      code: 'InvalidRequest',
      message: `The authorization mechanism you have provided is not supported. Please use ${SIGV4_ALGORITHM}.`,
    };
  }
  const fields = new Map(fieldList.split(',').map((field) => splitOnce(field.trim(), '=')));
  const credential = fields.get('Credential');
  const signedHeaderList = fields.get('SignedHeaders');
  const provided = fields.get('Signature');
  if (credential === undefined || signedHeaderList === undefined || provided === undefined) {
    return malformed('it needs Credential, SignedHeaders and Signature');
  }
  const accessKeyId = credential.split('/')[0] ?? '';
  if (accessKeyId !== credentials.accessKeyId) return invalidAccessKeyId(accessKeyId);
  const scope = parseCredentialScope(credential);
  if (!scope) return malformed(`the Credential ${JSON.stringify(credential)} is not <key>/<yyyyMMdd>/<region>/<service>/aws4_request`);
  if (service !== undefined && scope.service !== service) {
    return { status: 403, code: 'SignatureDoesNotMatch', message: `Credential should be scoped to correct service: '${service}'.` };
  }

  const contentSha256 = header(request, CONTENT_SHA256) ?? request.bodySha256;
  if (contentSha256 === undefined) {
    return { status: 400, code: 'InvalidRequest', message: `Missing required header for this request: ${CONTENT_SHA256}` };
  }
  if (request.bodySha256 !== undefined && contentSha256 !== request.bodySha256) {
    return { status: 400, code: 'XAmzContentSHA256Mismatch', message: `The provided '${CONTENT_SHA256}' header does not match what was computed.` };
  }
  const amzDate = header(request, AMZ_DATE) ?? '';
  const signedAt = parseAmzDate(amzDate);
  if (signedAt === undefined) {
    return { status: 403, code: 'AccessDenied', message: `AWS authentication requires a valid ${AMZ_DATE} header` };
  }
  if (Math.abs(signedAt.getTime() - now.getTime()) > MAX_CLOCK_SKEW_MS) {
    return {
      status: 403,
      code: 'RequestTimeTooSkewed',
      message: 'The difference between the request time and the current time is too large.',
      detail: { RequestTime: amzDate, ServerTime: now.toISOString(), MaxAllowedSkewMilliseconds: String(MAX_CLOCK_SKEW_MS) },
    };
  }
  if (!amzDate.startsWith(scope.date)) {
    return malformed(`the Credential date ${scope.date} is not the date of ${AMZ_DATE} ${amzDate}`);
  }

  const signedHeaderNames = signedHeaderList.split(';').filter(Boolean);
  if (!signedHeaderNames.includes('host')) return malformed('SignedHeaders must include host');
  const unsigned = unsignedAmzHeaders(request.headers, signedHeaderNames);
  if (unsigned) return unsigned;

  // The signer takes the payload hash from this header; one the request did not send is left out of the signed headers.
  const payloadHashSigned = signedHeaderNames.includes(CONTENT_SHA256);
  const signed = await localSigner(credentials, scope).sign(
    {
      method: request.method,
      protocol: 'http:',
      hostname: 'localhost',
      path: request.rawPath,
      query: signableQuery(request.query, undefined),
      headers: { ...signedHeaderValues(request.headers, signedHeaderNames), ...(payloadHashSigned ? {} : { [CONTENT_SHA256]: contentSha256 }) },
    },
    { signingDate: signedAt, signableHeaders: new Set(signedHeaderNames), unsignableHeaders: payloadHashSigned ? undefined : new Set([CONTENT_SHA256]) },
  );
  const [, expectedFields] = splitOnce(String(signed.headers.authorization ?? ''), ' ');
  const expected = new Map(expectedFields.split(',').map((field) => splitOnce(field.trim(), '=')));
  const matches = sameText(expected.get('Signature'), provided) && sameText(expected.get('SignedHeaders'), signedHeaderList);
  return matches ? undefined : signatureDoesNotMatch(accessKeyId, provided);
}

function header(request: ReceivedRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value.join(',') : value;
}

function splitOnce(text: string, separator: string): [string, string] {
  const at = text.indexOf(separator);
  return at === -1 ? [text, ''] : [text.slice(0, at), text.slice(at + separator.length)];
}

function malformed(why: string): SigV4Refusal {
  return { status: 400, code: 'AuthorizationHeaderMalformed', message: `The authorization header is malformed; ${why}.` };
}
