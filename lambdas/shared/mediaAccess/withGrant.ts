import { GRANT_PARAMETERS, grantQuery, isIndexPath } from './signedQuery.js';
import type { MediaGrant } from './signMediaGrant.js';

/** A URI that starts with a scheme (`https:`, `skd:`, `data:`). */
const SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*:/;
/** A scheme followed by an authority (`https://host`): the only absolute form every parser reads alike. */
const SCHEME_WITH_AUTHORITY = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//;
/** Characters URL drops or rewrites (tabs, newlines, backslashes) where other parsers keep them. */
const AMBIGUOUS = /[\\\u0000-\u0020\u007f]/;

/**
 * `uri` (absolute, or relative to `base`) with the grant's query appended, or undefined when the
 * URI leads outside the grant's scope: another host, another upload, a path that climbs out with
 * `..`. A signature is never handed to a URL it was not made for. A query the URI already has is
 * kept, except for grant parameters, which would otherwise appear twice.
 *
 * The scope is checked on URL's reading of the URI, but players resolve it with parsers of their
 * own: URL reads `https:evil.example/x` as a file in the base's folder, ffmpeg and RFC 3986
 * clients as a request to evil.example. So a URI is signed only in a form all of them read alike.
 */
export function withGrant(uri: string, base: string, grant: MediaGrant): string | undefined {
  if (AMBIGUOUS.test(uri) || (SCHEME.test(uri) && !SCHEME_WITH_AUTHORITY.test(uri))) return undefined;
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
