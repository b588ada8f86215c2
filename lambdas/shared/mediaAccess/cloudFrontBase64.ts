import { fromCanonicalBase64 } from '../fromCanonicalBase64.js';

/**
 * CloudFront's URL-safe base64 for signed URLs: standard base64 with `+` as `-`, `=` as `_` and
 * `/` as `~` (not RFC 4648's base64url, which drops the padding and uses `_` for `/`). Every
 * character is unreserved in a URL, so the values go into a query string as they are.
 */
export function toCloudFrontBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64').replace(/\+/g, '-').replace(/=/g, '_').replace(/\//g, '~');
}

/**
 * The bytes of a CloudFront base64 value; undefined unless it is the one spelling
 * `toCloudFrontBase64` gives those bytes (the alphabet maps one to one onto the standard one),
 * so one grant has one spelling, not many, each its own cache key.
 */
export function fromCloudFrontBase64(text: string): Buffer | undefined {
  if (!/^[A-Za-z0-9~_-]*$/.test(text)) return undefined;
  return fromCanonicalBase64(text.replace(/-/g, '+').replace(/_/g, '=').replace(/~/g, '/'));
}
