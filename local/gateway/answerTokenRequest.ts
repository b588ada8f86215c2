import type { LocalJwtIssuer } from '../auth/LocalJwtIssuer.js';
import { isLoopbackAddress } from '../isLoopbackAddress.js';
import type { GatewayResponse } from './toGatewayResponse.js';

/** The dev-only route that mints a token for any user (local mode has no sign-in). */
export const TOKEN_ROUTE = '/@local/token';

/** The longest lifetime the route grants: the longest Cognito allows an access token (one day). */
export const MAX_TOKEN_ROUTE_SECONDS = 24 * 60 * 60;

/** The most a token's extra claims may take, in characters of JSON. */
const MAX_CLAIMS_CHARACTERS = 2048;

export interface TokenRequest {
  /** The client's address as the socket reports it. */
  readonly remoteAddress: string | undefined;
  /** The `Origin` header, which browsers send with a page's requests. */
  readonly origin: string | undefined;
  /** The body, or undefined when it is over the gateway's limit; read only once the client may mint. */
  readonly readBody: () => Promise<Buffer | undefined>;
}

/**
 * `POST /@local/token {"sub": "alice"}` → `{token, sub, expiresAt}`; `expiresInSeconds` (1 to
 * 86,400, default one hour) and extra `claims` are optional. The route mints a token for any
 * user without asking who is there, so it answers only clients on this machine: with
 * `--host 0.0.0.0` a device on the network reaches every route but this one (403
 * `LOOPBACK_ONLY`). Nor does it answer web pages (403 `CROSS_ORIGIN`): the API allows any
 * origin, so any site open in the developer's browser could mint a token (a text/plain POST
 * needs no preflight) and read it. Anything else it refuses with 400 and a code.
 */
export async function answerTokenRequest(request: TokenRequest, issuer: LocalJwtIssuer): Promise<GatewayResponse> {
  if (!isLoopbackAddress(request.remoteAddress)) {
    return refuse(
      403,
      'LOOPBACK_ONLY',
      `Tokens are minted only for clients on this machine, not for ${request.remoteAddress ?? 'an unknown address'}; mint one here (POST http://127.0.0.1:<port>${TOKEN_ROUTE}) and pass it on`,
    );
  }
  if (request.origin !== undefined) {
    return refuse(403, 'CROSS_ORIGIN', `Tokens are not minted for web pages (Origin ${request.origin}); mint one with curl or startLocal().mintToken`);
  }
  const body = await request.readBody();
  if (body === undefined) return refuse(413, 'TOO_LARGE', "The request body is over the gateway's limit");
  let input: unknown;
  try {
    input = body.length > 0 ? JSON.parse(body.toString('utf8')) : {};
  } catch {
    return refuse(400, 'INVALID_JSON', 'The request body is not valid JSON');
  }
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return refuse(400, 'INVALID_JSON', `The request body must be a JSON object, got ${JSON.stringify(input).slice(0, 80)}`);
  }
  const { sub, expiresInSeconds, claims } = input as { sub?: unknown; expiresInSeconds?: unknown; claims?: unknown };
  if (typeof sub !== 'string' || sub.trim() === '' || sub.length > 128) {
    return refuse(400, 'INVALID_SUB', `sub must be a non-empty string of at most 128 characters, got ${JSON.stringify(sub)}`);
  }
  if (expiresInSeconds !== undefined && !isTokenLifetime(expiresInSeconds)) {
    return refuse(
      400,
      'INVALID_EXPIRY',
      `expiresInSeconds must be a whole number of seconds from 1 to ${MAX_TOKEN_ROUTE_SECONDS} (one day), got ${JSON.stringify(expiresInSeconds)}`,
    );
  }
  if (claims !== undefined && !isClaims(claims)) {
    return refuse(400, 'INVALID_CLAIMS', `claims must be a JSON object of at most ${MAX_CLAIMS_CHARACTERS} characters, got ${JSON.stringify(claims).slice(0, 80)}`);
  }
  const minted = await issuer.mint(sub, {
    expiresInSeconds: expiresInSeconds as number | undefined,
    claims: claims as Record<string, unknown> | undefined,
  });
  return json(200, minted);
}

function isTokenLifetime(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= MAX_TOKEN_ROUTE_SECONDS;
}

function isClaims(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && JSON.stringify(value).length <= MAX_CLAIMS_CHARACTERS;
}

function refuse(statusCode: number, code: string, message: string): GatewayResponse {
  return json(statusCode, { error: { code, message } });
}

function json(statusCode: number, body: unknown): GatewayResponse {
  return { statusCode, headers: { 'content-type': 'application/json' }, body: Buffer.from(JSON.stringify(body)) };
}
