import { createHash, createHmac } from 'node:crypto';

/**
 * The SigV4 arithmetic a presigned URL needs, written to match `@smithy/signature-v4`
 * byte for byte (the property test in presignParts.test.ts holds it to that).
 */
export const SIGV4_ALGORITHM = 'AWS4-HMAC-SHA256';
export const UNSIGNED_PAYLOAD = 'UNSIGNED-PAYLOAD';
/** SigV4 presigned URLs live at most a week. */
export const MAX_PRESIGNED_EXPIRY_SECONDS = 7 * 24 * 60 * 60;

/** RFC 3986 percent-encoding as AWS canonicalizes it: only `A-Z a-z 0-9 - _ . ~` stay as they are. */
export function uriEscape(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** `20260102T030405Z` and `20260102` for a signing date (milliseconds dropped). */
export function amzDates(date: Date): { readonly longDate: string; readonly shortDate: string } {
  const longDate = date.toISOString().replace(/\.\d{3}Z$/, 'Z').replace(/[-:]/g, '');
  return { longDate, shortDate: longDate.slice(0, 8) };
}

export function credentialScope(shortDate: string, region: string, service: string): string {
  return `${shortDate}/${region}/${service}/aws4_request`;
}

/**
 * The day's signing key: derived once and reused for every URL signed that day in that
 * region, so each URL costs one SHA-256 and one HMAC instead of five HMACs.
 */
export function signingKey(secretAccessKey: string, shortDate: string, region: string, service: string): Buffer {
  let key: Buffer | string = `AWS4${secretAccessKey}`;
  for (const part of [shortDate, region, service, 'aws4_request']) {
    key = createHmac('sha256', key).update(part, 'utf8').digest();
  }
  return key as Buffer;
}

export function sha256Hex(data: string): string {
  return createHash('sha256').update(data, 'utf8').digest('hex');
}

export function hmacSha256Hex(key: Buffer, data: string): string {
  return createHmac('sha256', key).update(data, 'utf8').digest('hex');
}
