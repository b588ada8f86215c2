import { type IncomingMessage, STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer } from 'ws';
import type { WebSocketFunctionDefinition, WebSocketRouteDefinition, WebSocketRouteKey } from '../../lib/webSocketRoutes.js';
import { WEBSOCKET_LIMITS } from '../../client/protocol.js';
import { isLoopbackAddress } from '../isLoopbackAddress.js';
import type { LocalLog } from '../localLog.js';
import type { GatewayResponse } from './toGatewayResponse.js';
import { authorizerEvent, type ConnectionRequest, connectionEvent, messageEvent, newConnectionId } from './webSocketEvents.js';

/** The path local mode serves the WebSocket API on (AWS serves it at the stage's root). */
export const WEBSOCKET_PATH = '/ws';
/** The management API's path prefix, as API Gateway serves it under the stage. */
const CONNECTIONS_PREFIX = '/@connections/';
/** Unsent bytes a connection may pile up (a client that stopped reading) before it is dropped. */
const MAX_BUFFERED_BYTES = 8 * 1024 * 1024;
/** The identity source the stack's authorizer names: without it API Gateway answers 401 itself. */
const IDENTITY_SOURCE_HEADER = 'sec-websocket-protocol';

export interface WebSocketGatewayOptions {
  readonly routes: readonly WebSocketRouteDefinition[];
  readonly authorizer: WebSocketFunctionDefinition;
  /** Runs a function's handler with an event (throws what the handler throws). */
  readonly invoke: (handlerDir: string, event: unknown) => Promise<unknown>;
  readonly log: LocalLog;
  /** API Gateway's 10 minutes; tests shorten it. */
  readonly idleTimeoutMs?: number;
  /** API Gateway's 2 hours; tests shorten it. */
  readonly maxConnectionMs?: number;
}

interface LiveConnection {
  readonly socket: WebSocket;
  readonly request: ConnectionRequest;
  readonly authorizer: Readonly<Record<string, unknown>>;
  lastActiveAt: number;
  idleTimer?: NodeJS.Timeout;
  lifeTimer?: NodeJS.Timeout;
}

/**
 * Local mode's WebSocket API, served on the HTTP API's port at `/ws`: the `$connect` REQUEST
 * authorizer, then the route table's functions for `$connect`, every message (`$default`) and
 * `$disconnect`, with API Gateway's quotas (128 KB messages, closed with 1009; the idle and
 * connection limits) and its management API (`/@connections/{id}`: POST, GET, DELETE; 410
 * GoneException for a connection it does not know), which answers callers on this machine only.
 */
export class WebSocketGateway {
  private readonly server: WebSocketServer;
  private readonly connections = new Map<string, LiveConnection>();
  private readonly pending = new Set<Promise<unknown>>();
  private readonly chosenProtocols = new WeakMap<IncomingMessage, string>();
  private readonly idleTimeoutMs: number;
  private readonly maxConnectionMs: number;
  private readonly routeHandlers: ReadonlyMap<WebSocketRouteKey, string>;

  constructor(private readonly options: WebSocketGatewayOptions) {
    this.idleTimeoutMs = options.idleTimeoutMs ?? WEBSOCKET_LIMITS.idleTimeoutSeconds * 1000;
    this.maxConnectionMs = options.maxConnectionMs ?? WEBSOCKET_LIMITS.maxConnectionSeconds * 1000;
    this.routeHandlers = new Map(options.routes.map((route) => [route.routeKey, route.handler]));
    this.server = new WebSocketServer({
      noServer: true,
      maxPayload: WEBSOCKET_LIMITS.maxMessageBytes,
      perMessageDeflate: false,
      handleProtocols: (_offered, req) => this.chosenProtocols.get(req) ?? false,
    });
  }

  get connectionCount(): number {
    return this.connections.size;
  }

  /** Takes an HTTP upgrade; false when it is not for the WebSocket path (the caller answers). */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean {
    const url = new URL(req.url ?? '/', 'http://local');
    if (url.pathname !== WEBSOCKET_PATH) return false;
    const request: ConnectionRequest = {
      req,
      connectionId: newConnectionId(),
      query: Object.fromEntries(url.searchParams),
      connectedAt: Date.now(),
    };
    this.track(
      this.connect(request, socket, head).catch((error: unknown) => {
        this.options.log.error('WebSocket $connect failed', error);
        refuse(socket, 500, 'Internal server error');
      }),
    );
    return true;
  }

  /** Answers a management API request, or undefined when the path is not one. */
  async answerManagement(req: IncomingMessage, rawPath: string, readBody: () => Promise<Buffer | undefined>): Promise<GatewayResponse | undefined> {
    if (!rawPath.startsWith(CONNECTIONS_PREFIX)) return undefined;
    // Only this machine: loopback, or the one interface the API listens on calling itself.
    const { remoteAddress, localAddress } = req.socket;
    const fromHere = isLoopbackAddress(remoteAddress) || (remoteAddress !== undefined && remoteAddress === localAddress);
    if (!fromHere) return json(403, { message: 'Forbidden' });
    const connectionId = decodeURIComponent(rawPath.slice(CONNECTIONS_PREFIX.length));
    const connection = this.connections.get(connectionId);
    if (!connection || connection.socket.readyState !== WebSocket.OPEN) {
      return { ...json(410, { message: 'Gone' }), headers: { 'content-type': 'application/json', 'x-amzn-errortype': 'GoneException' } };
    }
    switch (req.method) {
      case 'POST': {
        const body = await readBody();
        if (!body || body.length > WEBSOCKET_LIMITS.maxMessageBytes) {
          return { ...json(413, { message: 'Payload too large' }), headers: { 'content-type': 'application/json', 'x-amzn-errortype': 'PayloadTooLargeException' } };
        }
        // API Gateway takes a post and delivers it on its own time; a client that stops reading
        // does not hold the poster up, and one that falls far behind is let go, as a gone one.
        if (connection.socket.bufferedAmount > MAX_BUFFERED_BYTES) {
          connection.socket.terminate();
          return { ...json(410, { message: 'Gone' }), headers: { 'content-type': 'application/json', 'x-amzn-errortype': 'GoneException' } };
        }
        connection.socket.send(body.toString('utf8'));
        return { statusCode: 200, headers: {}, body: Buffer.alloc(0) };
      }
      case 'DELETE':
        connection.socket.close(1000);
        return { statusCode: 204, headers: {}, body: Buffer.alloc(0) };
      case 'GET':
        return json(200, {
          ConnectedAt: new Date(connection.request.connectedAt).toISOString(),
          LastActiveAt: new Date(connection.lastActiveAt).toISOString(),
          Identity: { SourceIp: connection.request.req.socket.remoteAddress ?? '', UserAgent: connection.request.req.headers['user-agent'] ?? '' },
        });
      default:
        return json(405, { message: 'Method Not Allowed' });
    }
  }

  /** Closes every connection (1001, going away) and waits for their `$disconnect`. */
  async close(): Promise<void> {
    for (const connection of this.connections.values()) connection.socket.close(1001, 'Going away');
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }

  private async connect(request: ConnectionRequest, socket: Duplex, head: Buffer): Promise<void> {
    const { req } = request;
    if (!req.headers[IDENTITY_SOURCE_HEADER]) return refuse(socket, 401, 'Unauthorized');

    let authorizer: Record<string, unknown>;
    try {
      const result = (await this.options.invoke(this.options.authorizer.handler, authorizerEvent(request))) as AuthorizerResult;
      const allowed = result.policyDocument?.Statement?.some((statement) => statement.Effect === 'Allow');
      if (!allowed) return refuse(socket, 403, 'Forbidden');
      authorizer = { ...(result.context ?? {}), principalId: result.principalId };
    } catch (error) {
      if (error instanceof Error && error.message === 'Unauthorized') return refuse(socket, 401, 'Unauthorized');
      throw error;
    }

    const connectHandler = this.routeHandlers.get('$connect');
    if (connectHandler) {
      const result = (await this.options.invoke(connectHandler, connectionEvent(request, '$connect', authorizer))) as ConnectResult | undefined;
      const status = result?.statusCode ?? 200;
      if (status < 200 || status > 299) return refuse(socket, status, STATUS_CODES[status] ?? 'Forbidden');
      const chosen = Object.entries(result?.headers ?? {}).find(([name]) => name.toLowerCase() === IDENTITY_SOURCE_HEADER)?.[1];
      if (chosen !== undefined) this.chosenProtocols.set(req, String(chosen));
    }

    this.server.handleUpgrade(req, socket, head, (webSocket) => this.open(request, webSocket, authorizer));
  }

  private open(request: ConnectionRequest, socket: WebSocket, authorizer: Readonly<Record<string, unknown>>): void {
    const connection: LiveConnection = { socket, request, authorizer, lastActiveAt: Date.now() };
    this.connections.set(request.connectionId, connection);
    const resetIdle = () => {
      clearTimeout(connection.idleTimer);
      connection.idleTimer = setTimeout(() => socket.close(1001, 'Going away'), this.idleTimeoutMs);
    };
    resetIdle();
    connection.lifeTimer = setTimeout(() => socket.close(1001, 'Going away'), this.maxConnectionMs);

    socket.on('message', (data, isBinary) => {
      connection.lastActiveAt = Date.now();
      resetIdle();
      const handler = this.routeHandlers.get('$default');
      if (!handler) return;
      const body = isBinary ? Buffer.from(data as Buffer).toString('base64') : (data as Buffer).toString('utf8');
      this.track(
        this.options.invoke(handler, messageEvent(request, authorizer, body)).catch((error: unknown) => {
          this.options.log.error('A WebSocket message failed in its function', error);
          // What API Gateway tells the client when the route's function fails.
          if (socket.readyState === WebSocket.OPEN) {
            socket.send(JSON.stringify({ message: 'Internal server error', connectionId: request.connectionId, requestId: request.connectionId }));
          }
        }),
      );
    });
    socket.on('error', (error) => this.options.log.warn(`WebSocket ${request.connectionId}: ${error.message}`));
    socket.on('close', (code, reason) => {
      clearTimeout(connection.idleTimer);
      clearTimeout(connection.lifeTimer);
      this.connections.delete(request.connectionId);
      const handler = this.routeHandlers.get('$disconnect');
      if (!handler) return;
      const event = connectionEvent(request, '$disconnect', authorizer, { disconnectStatusCode: code, disconnectReason: reason.toString('utf8') });
      this.track(this.options.invoke(handler, event).catch((error: unknown) => this.options.log.error('WebSocket $disconnect failed', error)));
    });
  }

  private track(work: Promise<unknown>): void {
    this.pending.add(work);
    void work.finally(() => this.pending.delete(work));
  }
}

interface AuthorizerResult {
  readonly principalId?: string;
  readonly policyDocument?: { readonly Statement?: readonly { readonly Effect?: string }[] };
  readonly context?: Readonly<Record<string, unknown>>;
}

interface ConnectResult {
  readonly statusCode?: number;
  readonly headers?: Readonly<Record<string, unknown>>;
}

/** Ends a handshake with an HTTP answer, as API Gateway does for a refused `$connect`. */
function refuse(socket: Duplex, statusCode: number, message: string): void {
  const body = JSON.stringify({ message });
  socket.end(
    `HTTP/1.1 ${statusCode} ${message}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

function json(statusCode: number, body: unknown): GatewayResponse {
  return { statusCode, headers: { 'content-type': 'application/json' }, body: Buffer.from(JSON.stringify(body)) };
}
