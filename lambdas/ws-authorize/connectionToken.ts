import { BEARER_PROTOCOL_PREFIX, PROGRESS_PROTOCOL, TOKEN_QUERY_PARAMETER } from '../../client/protocol.js';

export type ConnectionTokenResult =
  | { readonly ok: true; readonly token: string }
  | { readonly ok: false; readonly reason: string };

/**
 * The JWT of a connection request: from a `bearer.<JWT>` subprotocol (browsers cannot set
 * headers on a WebSocket) or `?token=` (command-line tools). The client must offer
 * `media-pipeline.v1` either way: it is the protocol version, and the header the stage's
 * authorizer requires as its identity source.
 */
export function connectionToken(
  headers: Readonly<Record<string, string | undefined>> | null | undefined,
  query: Readonly<Record<string, string | undefined>> | null | undefined,
): ConnectionTokenResult {
  const offered = offeredProtocols(headers);
  if (!offered.includes(PROGRESS_PROTOCOL)) return { ok: false, reason: `the ${PROGRESS_PROTOCOL} subprotocol was not offered` };
  const bearer = offered.filter((protocol) => protocol.startsWith(BEARER_PROTOCOL_PREFIX));
  const fromQuery = query?.[TOKEN_QUERY_PARAMETER];
  if (bearer.length > 1) return { ok: false, reason: 'more than one bearer subprotocol was offered' };
  const token = bearer.length === 1 ? bearer[0]!.slice(BEARER_PROTOCOL_PREFIX.length) : fromQuery;
  if (bearer.length === 1 && fromQuery !== undefined) return { ok: false, reason: 'a token came both as a subprotocol and in the query' };
  if (!token) return { ok: false, reason: 'no token was given' };
  return { ok: true, token };
}

/** The subprotocols of `Sec-WebSocket-Protocol` (any casing of the name; a list, comma-separated). */
export function offeredProtocols(headers: Readonly<Record<string, string | undefined>> | null | undefined): string[] {
  const entry = Object.entries(headers ?? {}).find(([name]) => name.toLowerCase() === 'sec-websocket-protocol');
  return (entry?.[1] ?? '')
    .split(',')
    .map((protocol) => protocol.trim())
    .filter(Boolean);
}
