import { type KeyObject, verify } from 'node:crypto';
import { fromCloudFrontBase64 } from './cloudFrontBase64.js';
import type { MediaGrant } from './signMediaGrant.js';

/** The most a signed value may hold; longer ones are refused before any decoding or RSA work. */
const MAX_POLICY_CHARACTERS = 2_048;
const MAX_SIGNATURE_CHARACTERS = 1_024;
const MAX_KEY_PAIR_ID_CHARACTERS = 128;

export type GrantVerdict = { readonly ok: true; readonly grant: MediaGrant } | { readonly ok: false; readonly reason: string };

export interface VerifyInput {
  readonly policy: string | undefined;
  readonly signature: string | undefined;
  readonly keyPairId: string | undefined;
  /** The URL asked for, without the signed parameters: `https://<cdn>/media/<id>/720p.m3u8`. */
  readonly url: string;
  /** The public keys of the key group, by id. */
  readonly publicKeys: ReadonlyMap<string, KeyObject>;
  readonly now: Date;
}

/**
 * What CloudFront checks of a signed URL with a custom policy, for the places that must check it
 * themselves (local mode's media server; the playlist origin, which receives the values as
 * copies CloudFront did not check): a key of the key group signed the policy (RSA-SHA1), its one
 * statement's resource matches the URL (`*` any characters, `?` one), and now is before its
 * `DateLessThan` and after its `DateGreaterThan` when it has one. A condition this code does not
 * know (an IP range) is refused rather than ignored.
 */
export function verifyMediaGrant(input: VerifyInput): GrantVerdict {
  const { policy, signature, keyPairId } = input;
  if (policy === undefined || signature === undefined || keyPairId === undefined) return refuse('the URL is not signed (Policy, Signature and Key-Pair-Id are required)');
  if (policy.length > MAX_POLICY_CHARACTERS || signature.length > MAX_SIGNATURE_CHARACTERS || keyPairId.length > MAX_KEY_PAIR_ID_CHARACTERS) {
    return refuse('a signed value is longer than any this distribution issues');
  }
  const publicKey = input.publicKeys.get(keyPairId);
  if (publicKey === undefined) return refuse(`Key-Pair-Id ${keyPairId} is not in the key group`);
  const policyBytes = fromCloudFrontBase64(policy);
  const signatureBytes = fromCloudFrontBase64(signature);
  if (policyBytes === undefined || signatureBytes === undefined) return refuse('Policy or Signature is not CloudFront base64');
  if (!verify('RSA-SHA1', policyBytes, publicKey, signatureBytes)) return refuse('the signature does not match the policy');

  const statement = policyStatement(policyBytes.toString('utf8'));
  if (typeof statement === 'string') return refuse(statement);
  if (!matchesResource(statement.resource, input.url)) return refuse(`the policy's resource ${statement.resource} does not cover ${input.url}`);
  const nowSeconds = input.now.getTime() / 1000;
  if (nowSeconds >= statement.lessThan) return refuse(`the URL expired at ${new Date(statement.lessThan * 1000).toISOString()}`);
  if (statement.greaterThan !== undefined && nowSeconds <= statement.greaterThan) return refuse('the URL is not valid yet');

  const star = statement.resource.indexOf('*');
  return {
    ok: true,
    grant: {
      policy,
      signature,
      keyPairId,
      resource: statement.resource,
      scope: star === -1 ? statement.resource : statement.resource.slice(0, star),
      expiresAt: new Date(statement.lessThan * 1000),
    },
  };
}

interface Statement {
  readonly resource: string;
  readonly lessThan: number;
  readonly greaterThan?: number;
}

/** The policy's one statement, or why it is not one this code accepts. */
function policyStatement(json: string): Statement | string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    return 'the policy is not JSON';
  }
  const statements = (parsed as { Statement?: unknown } | null)?.Statement;
  if (!Array.isArray(statements) || statements.length !== 1) return 'the policy must hold exactly one statement';
  const [statement] = statements as unknown[];
  if (typeof statement !== 'object' || statement === null || Array.isArray(statement)) return "the policy's statement is not an object";
  const { Resource: resource, Condition: condition, ...other } = statement as Record<string, unknown>;
  if (Object.keys(other).length > 0) return `the policy's statement has fields this distribution does not issue (${Object.keys(other).join(', ')})`;
  if (typeof resource !== 'string') return 'the policy names no resource';
  const { DateLessThan: lessThan, DateGreaterThan: greaterThan, ...unknownConditions } = (condition ?? {}) as Record<string, unknown>;
  if (Object.keys(unknownConditions).length > 0) return `the policy has conditions this check does not know (${Object.keys(unknownConditions).join(', ')})`;
  const before = epochTime(lessThan);
  if (before === undefined) return 'the policy has no DateLessThan AWS:EpochTime';
  const after = greaterThan === undefined ? undefined : epochTime(greaterThan);
  if (greaterThan !== undefined && after === undefined) return 'the policy has a DateGreaterThan without an AWS:EpochTime';
  return after === undefined ? { resource, lessThan: before } : { resource, lessThan: before, greaterThan: after };
}

function epochTime(condition: unknown): number | undefined {
  const value = (condition as Record<string, unknown> | undefined)?.['AWS:EpochTime'];
  return typeof value === 'number' && Number.isInteger(value) ? value : undefined;
}

/** CloudFront's resource match: `*` stands for any run of characters, `?` for exactly one; everything else is literal. */
export function matchesResource(resource: string, url: string): boolean {
  const pattern = resource
    .split('')
    .map((character) => (character === '*' ? '.*' : character === '?' ? '.' : character.replace(/[\\^$.|+()[\]{}]/g, '\\$&')))
    .join('');
  return new RegExp(`^${pattern}$`, 's').test(url);
}

/**
 * The scheme and host of a policy's resource (`https://d111.cloudfront.net`), read before any
 * check: for an origin that does not know the viewer's host, to build the URL it then verifies.
 * Undefined when the policy cannot be read or its resource names no host.
 */
export function policyResourceOrigin(policy: string | undefined): string | undefined {
  if (policy === undefined || policy.length > MAX_POLICY_CHARACTERS) return undefined;
  const json = fromCloudFrontBase64(policy)?.toString('utf8');
  if (json === undefined) return undefined;
  const statement = policyStatement(json);
  if (typeof statement === 'string') return undefined;
  const origin = /^https?:\/\/[A-Za-z0-9.-]+(?::\d+)?(?=\/)/.exec(statement.resource)?.[0];
  return origin;
}

function refuse(reason: string): GrantVerdict {
  return { ok: false, reason };
}
