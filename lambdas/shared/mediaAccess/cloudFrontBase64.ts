/**
 * CloudFront's URL-safe base64 for signed URLs: standard base64 with `+` as `-`, `=` as `_` and
 * `/` as `~` (not RFC 4648's base64url, which drops the padding and uses `_` for `/`). Every
 * character is unreserved in a URL, so the values go into a query string as they are.
 */
export function toCloudFrontBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64').replace(/\+/g, '-').replace(/=/g, '_').replace(/\//g, '~');
}

/** The bytes of a CloudFront base64 value; undefined when it holds a character outside that alphabet. */
export function fromCloudFrontBase64(text: string): Buffer | undefined {
  if (!/^[A-Za-z0-9~_-]*$/.test(text)) return undefined;
  return Buffer.from(text.replace(/-/g, '+').replace(/_/g, '=').replace(/~/g, '/'), 'base64');
}
