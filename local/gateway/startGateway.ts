import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { JWTPayload } from 'jose';
import { authOf, type RouteDefinition } from '../../lib/routes.js';
import type { LocalJwtIssuer } from '../auth/LocalJwtIssuer.js';
import { createLambdaContext } from '../createLambdaContext.js';
import type { LambdaHandler } from '../loadHandler.js';
import type { LocalLog } from '../localLog.js';
import { answerTokenRequest, TOKEN_ROUTE } from './answerTokenRequest.js';
import { corsHeaders, preflightResponse } from './apiCors.js';
import { buildApiEvent } from './buildApiEvent.js';
import { createRouteMatcher } from './createRouteMatcher.js';
import { type GatewayResponse, toGatewayResponse } from './toGatewayResponse.js';
import type { WebSocketGateway } from './WebSocketGateway.js';

/** Where the local issuer's public keys are served, as Cognito serves a pool's: the WebSocket authorizer fetches them. */
export const JWKS_ROUTE = '/.well-known/jwks.json';

export interface GatewayOptions {
  readonly host: string;
  readonly port: number;
  readonly routes: readonly RouteDefinition[];
  readonly issuer: LocalJwtIssuer;
  /** The route's handler, or undefined while its module does not exist. */
  readonly resolveHandler: (handlerDir: string) => Promise<LambdaHandler | undefined>;
  readonly log: LocalLog;
  /** Each invocation's Lambda timeout, as `context.getRemainingTimeInMillis` reports it. @default 10000 */
  readonly functionTimeoutMs?: number;
  /** The WebSocket API, served on the same port (upgrades at its path, its management API). @default - none */
  readonly webSocket?: WebSocketGateway;
  /** Static files answered to GET and HEAD before the routes (the demo page), or undefined for a path that is none. @default - none */
  readonly files?: (path: string) => Promise<{ readonly contentType: string; readonly body: Buffer } | undefined>;
}

export interface Gateway {
  readonly port: number;
  close(): Promise<void>;
}

/** API Gateway's payload limit for HTTP APIs. */
const MAX_BODY_BYTES = 10 * 1024 * 1024;
const DEFAULT_FUNCTION_TIMEOUT_MS = 10_000;

/**
 * The local HTTP API: serves the route table like API Gateway does, answering preflights,
 * unknown routes (404), failed authorization on routes that need a JWT (401, with API Gateway's
 * bodies and `www-authenticate`) and function crashes (500) itself, and invoking the route's handler
 * with a payload 2.0 event otherwise.
 */
export async function startGateway(options: GatewayOptions): Promise<Gateway> {
  const matchRoute = createRouteMatcher(options.routes);
  const timeoutMs = options.functionTimeoutMs ?? DEFAULT_FUNCTION_TIMEOUT_MS;

  async function answer(req: IncomingMessage): Promise<GatewayResponse> {
    const method = req.method ?? 'GET';
    const url = req.url ?? '/';
    const queryStart = url.indexOf('?');
    const rawPath = queryStart === -1 ? url : url.slice(0, queryStart);
    const rawQueryString = queryStart === -1 ? '' : url.slice(queryStart + 1);

    if (method === 'OPTIONS') {
      const preflight = preflightResponse(req.headers.origin, req.headers['access-control-request-method']);
      if (preflight) return preflight;
    }
    const managed = await options.webSocket?.answerManagement(req, rawPath, () => readBody(req));
    if (managed) return managed;
    if (method === 'GET' && rawPath === JWKS_ROUTE) return json(200, await options.issuer.jwks());
    if (method === 'POST' && rawPath === TOKEN_ROUTE) {
      return answerTokenRequest({ remoteAddress: req.socket.remoteAddress, origin: req.headers.origin, readBody: () => readBody(req) }, options.issuer);
    }

    if (method === 'GET' || method === 'HEAD') {
      const file = await options.files?.(rawPath);
      if (file) return { statusCode: 200, headers: { 'content-type': file.contentType, 'cache-control': 'no-cache' }, body: file.body };
    }

    const match = matchRoute(method, rawPath);
    if (!match) return message(404, 'Not Found');

    let claims: JWTPayload | undefined;
    // Like API Gateway, a route without auth ignores any Authorization header it is sent.
    if (authOf(match.route) === 'jwt') {
      const token = bearerToken(req.headers.authorization);
      if (!token) return unauthorized('Bearer');
      const verdict = await options.issuer.verify(token);
      if (!verdict.ok) return unauthorized(`Bearer scope="" error="invalid_token" error_description="${verdict.reason}"`);
      claims = verdict.claims;
    }

    const body = await readBody(req);
    if (!body) return message(413, 'Request Entity Too Large');

    const event = buildApiEvent({
      request: { method, rawPath, rawQueryString, headers: req.headersDistinct, body, sourceIp: req.socket.remoteAddress ?? '' },
      match,
      claims,
      requestId: requestIdOf(req),
      now: new Date(),
    });
    try {
      // Importing the handler runs its init code (config getters), which fails like a cold start does.
      const handler = await options.resolveHandler(match.route.handler);
      if (!handler) {
        options.log.error(`${match.routeKey}: lambdas/${match.route.handler}/handler.ts does not exist yet`);
        return message(500, 'Internal Server Error');
      }
      return toGatewayResponse(await handler(event, createLambdaContext(match.route.handler, timeoutMs)));
    } catch (error) {
      options.log.error(`${match.routeKey}: the function failed`, error);
      return message(500, 'Internal Server Error');
    }
  }

  const server = createServer((req, res) => {
    answer(req)
      .catch((error: unknown) => {
        options.log.error(`${req.method} ${req.url}: the gateway failed`, error);
        return message(500, 'Internal Server Error');
      })
      .then((response) => send(req, res, response));
  });
  server.on('upgrade', (req, socket, head) => {
    if (!options.webSocket?.handleUpgrade(req, socket, head)) socket.end('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });

  return {
    port: (server.address() as AddressInfo).port,
    close: async () => {
      await options.webSocket?.close();
      await new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeIdleConnections();
      });
    },
  };
}

function send(req: IncomingMessage, res: ServerResponse, response: GatewayResponse): void {
  res.writeHead(response.statusCode, {
    ...response.headers,
    ...corsHeaders(req.headers.origin),
    'apigw-requestid': requestIdOf(req),
    'content-length': String(response.body.length),
  });
  res.end(req.method === 'HEAD' ? undefined : response.body);
}

/** API Gateway takes the token from `Authorization`, with or without the `Bearer ` prefix. */
function bearerToken(header: string | undefined): string | undefined {
  const token = header?.replace(/^Bearer\s+/i, '').trim();
  return token ? token : undefined;
}

/**
 * The body, or undefined when it is over API Gateway's limit. An oversized body is still
 * drained (not just abandoned) so the 413 reaches the client over the same connection.
 */
async function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size <= MAX_BODY_BYTES) chunks.push(chunk as Buffer);
  }
  return size > MAX_BODY_BYTES ? undefined : Buffer.concat(chunks);
}

const requestIds = new WeakMap<IncomingMessage, string>();

/** API Gateway's request id (`apigw-requestid`, `requestContext.requestId`), one per request. */
function requestIdOf(req: IncomingMessage): string {
  let id = requestIds.get(req);
  if (!id) {
    id = randomBytes(11).toString('base64');
    requestIds.set(req, id);
  }
  return id;
}

function unauthorized(challenge: string): GatewayResponse {
  const response = message(401, 'Unauthorized');
  return { ...response, headers: { ...response.headers, 'www-authenticate': challenge } };
}

/** API Gateway's own answers: `{"message": "…"}`. */
function message(statusCode: number, text: string): GatewayResponse {
  return json(statusCode, { message: text });
}

function json(statusCode: number, body: unknown): GatewayResponse {
  return { statusCode, headers: { 'content-type': 'application/json' }, body: Buffer.from(JSON.stringify(body)) };
}
