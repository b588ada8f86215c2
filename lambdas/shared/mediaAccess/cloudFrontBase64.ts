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
 * `toCloudFrontBase64` gives those bytes. Node's decoder forgives missing or misplaced padding
 * and stray low bits, so one grant would otherwise have many spellings, each its own cache key.
 */
export function fromCloudFrontBase64(text: string): Buffer | undefined {
  if (!/^[A-Za-z0-9~_-]*$/.test(text)) return undefined;
  const bytes = Buffer.from(text.replace(/-/g, '+').replace(/_/g, '=').replace(/~/g, '/'), 'base64');
  return toCloudFrontBase64(bytes) === text ? bytes : undefined;
}
