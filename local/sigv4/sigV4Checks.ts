import { timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { Hash } from '@smithy/hash-node';
import { SignatureV4 } from '@smithy/signature-v4';
import type { LocalCredentials } from '../localDefaults.js';

/**
 * The checks both SigV4 forms share (query parameters and the `Authorization` header), and the
 * signer that recomputes a signature with the local secret: local S3 and local mode's
 * JSON-protocol endpoints (EventBridge, SQS, Secrets Manager) check signatures with them. Both
 * forms sign the path exactly as sent (S3 does not normalize or re-encode it) and the query and
 * headers as received.
 */

/**
 * Why a signature is refused, as S3 reports it (an HTTP status, an error code, a message and
 * the extra elements of its error document), since local S3 answers with it as it is; the
 * JSON-protocol endpoints answer with their services' codes instead (startAwsJsonEndpoint).
 */
export interface SigV4Refusal {
  readonly status: number;
  readonly code: string;
  readonly message: string;
  readonly detail?: Readonly<Record<string, string>>;
}

/** A request as it arrived on the wire. */
export interface ReceivedRequest {
  readonly method: string;
  /** The path exactly as sent (still percent-encoded): S3 signs it as is. */
  readonly rawPath: string;
  readonly query: URLSearchParams;
  /** Lower-case header names, as Node parses them. */
  readonly headers: IncomingHttpHeaders;
  /**
   * The hex SHA-256 of the body, when the receiver read it whole (the JSON-protocol endpoints):
   * the signature must then cover these bytes. S3 streams bodies, so its requests leave it out.
   */
  readonly bodySha256?: string;
}

export const SIGV4_ALGORITHM = 'AWS4-HMAC-SHA256';
/** S3 refuses a request dated further from its clock than this, either way. */
export const MAX_CLOCK_SKEW_MS = 15 * 60 * 1000;

export interface CredentialScope {
  readonly accessKeyId: string;
  readonly date: string;
  readonly region: string;
  readonly service: string;
}

/** `AKID/20260301/us-east-1/s3/aws4_request`, or undefined when it has another shape. */
export function parseCredentialScope(credential: string): CredentialScope | undefined {
  const [accessKeyId = '', date = '', region = '', service = '', terminator = '', ...rest] = credential.split('/');
  if (!accessKeyId || !/^\d{8}$/.test(date) || !region || !service || terminator !== 'aws4_request' || rest.length > 0) return undefined;
  return { accessKeyId, date, region, service };
}

/** `20260301T120000Z` as a Date, or undefined. */
export function parseAmzDate(value: string): Date | undefined {
  const match = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (!match) return undefined;
  const [, year, month, day, hour, minute, second] = match.map(Number) as [number, number, number, number, number, number, number];
  const date = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
  return Number.isNaN(date.getTime()) ? undefined : date;
}

export function isoSeconds(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Constant-time comparison, so a forger learns nothing from how long a refusal takes. */
export function sameText(expected: string | string[] | null | undefined, provided: string): boolean {
  if (typeof expected !== 'string') return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(provided);
  return a.length === b.length && timingSafeEqual(a, b);
}

export function invalidAccessKeyId(accessKeyId: string): SigV4Refusal {
  return {
    status: 403,
    code: 'InvalidAccessKeyId',
    message: 'The AWS Access Key Id you provided does not exist in our records.',
    detail: { AWSAccessKeyId: accessKeyId },
  };
}

export function signatureDoesNotMatch(accessKeyId: string, provided: string): SigV4Refusal {
  return {
    status: 403,
    code: 'SignatureDoesNotMatch',
    message: 'The request signature we calculated does not match the signature you provided. Check your key and signing method.',
    detail: { AWSAccessKeyId: accessKeyId, SignatureProvided: provided },
  };
}

/**
 * Like S3: every `x-amz-*` header the request carries must be signed, or anyone holding a
 * signed request could add one (`x-amz-copy-source` turns a PUT into a copy of another object).
 */
export function unsignedAmzHeaders(headers: IncomingHttpHeaders, signedHeaderNames: readonly string[]): SigV4Refusal | undefined {
  const signed = new Set(signedHeaderNames);
  const unsigned = Object.keys(headers).filter((name) => name.startsWith('x-amz-') && !signed.has(name));
  if (unsigned.length === 0) return undefined;
  return {
    status: 403,
    code: 'AccessDenied',
    message: 'There were headers present in the request which were not signed',
    detail: { HeadersNotSigned: unsigned.join(', ') },
  };
}

/** The received headers a signature names, as the signer canonicalizes them (repeats joined with commas). */
export function signedHeaderValues(headers: IncomingHttpHeaders, signedHeaderNames: readonly string[]): Record<string, string> {
  const values: Record<string, string> = {};
  for (const name of signedHeaderNames) {
    const value = headers[name];
    if (value !== undefined) values[name] = Array.isArray(value) ? value.join(',') : value;
  }
  return values;
}

/** The query as the signer takes it: repeated names as lists, `skip` left out. */
export function signableQuery(query: URLSearchParams, skip: string | undefined): Record<string, string | string[]> {
  const result: Record<string, string | string[]> = {};
  for (const [name, value] of query) {
    if (name === skip) continue;
    const existing = result[name];
    result[name] = existing === undefined ? value : [...(Array.isArray(existing) ? existing : [existing]), value];
  }
  return result;
}

/** A signer for one credential scope with the local secret, signing paths as sent. */
export function localSigner(credentials: LocalCredentials, scope: Pick<CredentialScope, 'region' | 'service'>): SignatureV4 {
  return new SignatureV4({
    credentials,
    region: scope.region,
    service: scope.service,
    sha256: Hash.bind(null, 'sha256'),
    uriEscapePath: false,
    applyChecksum: false,
  });
}
