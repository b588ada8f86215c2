import { type KeyObject, sign } from 'node:crypto';
import { toCloudFrontBase64 } from './cloudFrontBase64.js';
import type { SignedValues } from './signedQuery.js';

/** One signature for every object under a prefix, until a moment. */
export interface MediaGrant extends SignedValues {
  /**
   * The policy's resource: `<base>/media/<uploadId>/*`. Every URL the grant is appended to must
   * start with `scope`, the resource without its `*`.
   */
  readonly resource: string;
  readonly scope: string;
  /** When CloudFront stops accepting the signature (the policy's `DateLessThan`, whole seconds). */
  readonly expiresAt: Date;
}

export interface MediaGrantInput {
  /** The prefix the grant covers, ending in `/`: `https://<cdn>/media/<uploadId>/`. */
  readonly scope: string;
  readonly expiresAt: Date;
  readonly keyPairId: string;
  readonly privateKey: KeyObject;
}

/**
 * Signs a CloudFront custom policy whose resource is `scope*`: one signature valid for every
 * output of one upload (playlists, segments, images), so a playlist can hand the same query to
 * every URI it lists. The policy is written without white space, as CloudFront requires, and
 * signed with RSA-SHA1, the only digest CloudFront's RSA key groups accept for a custom policy.
 */
export function signMediaGrant(input: MediaGrantInput): MediaGrant {
  if (!input.scope.endsWith('/') || input.scope.includes('*') || input.scope.includes('?')) {
    throw new Error(`A media grant's scope must be a prefix ending in / without wildcards, got ${input.scope}`);
  }
  const epochSeconds = Math.floor(input.expiresAt.getTime() / 1000);
  const resource = `${input.scope}*`;
  const policyJson = JSON.stringify({ Statement: [{ Resource: resource, Condition: { DateLessThan: { 'AWS:EpochTime': epochSeconds } } }] });
  const signature = sign('RSA-SHA1', Buffer.from(policyJson, 'utf8'), input.privateKey);
  return {
    policy: toCloudFrontBase64(Buffer.from(policyJson, 'utf8')),
    signature: toCloudFrontBase64(signature),
    keyPairId: input.keyPairId,
    resource,
    scope: input.scope,
    expiresAt: new Date(epochSeconds * 1000),
  };
}
