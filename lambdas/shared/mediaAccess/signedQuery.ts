/**
 * The query parameters of a CloudFront signed URL with a custom policy. CloudFront checks them
 * and then removes them from the request it sends to the origin, so the playlist origin receives
 * the same three values under names of its own (`ORIGIN_COPY`): playlist URLs carry both.
 */
export const SIGNED_QUERY = { policy: 'Policy', signature: 'Signature', keyPairId: 'Key-Pair-Id' } as const;

/** The copies of the signed parameters that reach the playlist origin. */
export const ORIGIN_COPY = { policy: 'grant-policy', signature: 'grant-signature', keyPairId: 'grant-key-pair-id' } as const;

/** Every parameter name the grant owns: a URI that already carries one loses it before the grant is appended. */
export const GRANT_PARAMETERS: ReadonlySet<string> = new Set([...Object.values(SIGNED_QUERY), ...Object.values(ORIGIN_COPY)]);

/** The three signed values, as they travel. */
export interface SignedValues {
  /** The policy JSON in CloudFront's base64. */
  readonly policy: string;
  /** RSA-SHA1 over the policy JSON, in CloudFront's base64. */
  readonly signature: string;
  /** The CloudFront public key's id. */
  readonly keyPairId: string;
}

/** What a URL of each kind gets appended: segments and images need only what CloudFront checks; indexes (playlists, thumbnail tracks) also the copies for their origin. */
export function grantQuery(values: SignedValues, forIndex: boolean): string {
  const signed = `${SIGNED_QUERY.policy}=${values.policy}&${SIGNED_QUERY.signature}=${values.signature}&${SIGNED_QUERY.keyPairId}=${values.keyPairId}`;
  if (!forIndex) return signed;
  return `${signed}&${ORIGIN_COPY.policy}=${values.policy}&${ORIGIN_COPY.signature}=${values.signature}&${ORIGIN_COPY.keyPairId}=${values.keyPairId}`;
}

/**
 * Whether a URL path names an index of other media, which the playlist origin serves and signs
 * the URIs inside: an HLS playlist (`.m3u8`) or a WebVTT thumbnail track (`.vtt`), whose cues
 * name the sprite.
 */
export function isIndexPath(pathname: string): boolean {
  return pathname.endsWith('.m3u8') || pathname.endsWith('.vtt');
}
