import { GRANT_PARAMETERS, grantQuery, isIndexPath } from './signedQuery.js';
import type { MediaGrant } from './signMediaGrant.js';

/**
 * `uri` (absolute, or relative to `base`) with the grant's query appended, or undefined when the
 * URI leads outside the grant's scope: another host, another upload, a path that climbs out with
 * `..`. A signature is never handed to a URL it was not made for. A query the URI already has is
 * kept, except for grant parameters, which would otherwise appear twice.
 */
export function withGrant(uri: string, base: string, grant: MediaGrant): string | undefined {
  let resolved: URL;
  try {
    resolved = new URL(uri, base);
  } catch {
    return undefined;
  }
  if (!`${resolved.origin}${resolved.pathname}`.startsWith(grant.scope)) return undefined;

  const hashAt = uri.indexOf('#');
  const beforeHash = hashAt === -1 ? uri : uri.slice(0, hashAt);
  const hash = hashAt === -1 ? '' : uri.slice(hashAt);
  const queryAt = beforeHash.indexOf('?');
  const path = queryAt === -1 ? beforeHash : beforeHash.slice(0, queryAt);
  const kept = queryAt === -1 ? [] : beforeHash.slice(queryAt + 1).split('&').filter((pair) => pair !== '' && !GRANT_PARAMETERS.has(decodedName(pair)));
  const query = [...kept, grantQuery(grant, isIndexPath(resolved.pathname))].join('&');
  return `${path}?${query}${hash}`;
}

function decodedName(pair: string): string {
  const name = pair.split('=', 1)[0] ?? '';
  try {
    return decodeURIComponent(name.replace(/\+/g, ' '));
  } catch {
    return name;
  }
}
