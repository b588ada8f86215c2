import { randomBytes, randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import { LOCAL_ACCOUNT_ID, LOCAL_REGION } from '../localDefaults.js';

/** The local WebSocket API's id and stage, in ARNs and request contexts. */
export const LOCAL_WEBSOCKET_API_ID = 'localws';
export const LOCAL_WEBSOCKET_STAGE = 'local';

/** A connection id shaped like API Gateway's (12 random bytes, base64: 16 characters ending in `=`). */
export function newConnectionId(): string {
  return randomBytes(11).toString('base64').slice(0, 15) + '=';
}

export interface ConnectionRequest {
  readonly req: IncomingMessage;
  readonly connectionId: string;
  readonly query: Readonly<Record<string, string>>;
  readonly connectedAt: number;
}

/** The REQUEST authorizer's event for `$connect`, as API Gateway sends it for a WebSocket API. */
export function authorizerEvent(request: ConnectionRequest): APIGatewayRequestAuthorizerEvent {
  const { headers, multiValueHeaders } = headersOf(request.req);
  return {
    type: 'REQUEST',
    methodArn: `arn:aws:execute-api:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:${LOCAL_WEBSOCKET_API_ID}/${LOCAL_WEBSOCKET_STAGE}/$connect`,
    headers,
    multiValueHeaders,
    queryStringParameters: request.query,
    multiValueQueryStringParameters: Object.fromEntries(Object.entries(request.query).map(([name, value]) => [name, [value]])),
    stageVariables: null,
    pathParameters: null,
    path: '/',
    httpMethod: 'GET',
    resource: '/',
    requestContext: requestContext(request, '$connect', 'CONNECT') as unknown as APIGatewayRequestAuthorizerEvent['requestContext'],
  };
}

/** The event of `$connect` (with headers and query) or `$disconnect`, after the authorizer's context. */
export function connectionEvent(
  request: ConnectionRequest,
  routeKey: '$connect' | '$disconnect',
  authorizer: Readonly<Record<string, unknown>>,
  extra: Readonly<Record<string, unknown>> = {},
): Record<string, unknown> {
  const eventType = routeKey === '$connect' ? 'CONNECT' : 'DISCONNECT';
  const { headers, multiValueHeaders } = headersOf(request.req);
  return {
    headers,
    multiValueHeaders,
    ...(routeKey === '$connect' ? { queryStringParameters: request.query } : {}),
    isBase64Encoded: false,
    requestContext: { ...requestContext(request, routeKey, eventType), authorizer, ...extra },
  };
}

/** The event of one client message, routed to `$default`. */
export function messageEvent(request: ConnectionRequest, authorizer: Readonly<Record<string, unknown>>, body: string): Record<string, unknown> {
  return {
    body,
    isBase64Encoded: false,
    requestContext: { ...requestContext(request, '$default', 'MESSAGE'), authorizer, messageId: randomBytes(11).toString('base64') },
  };
}

function requestContext(request: ConnectionRequest, routeKey: string, eventType: string): Record<string, unknown> {
  const now = Date.now();
  return {
    routeKey,
    eventType,
    extendedRequestId: randomBytes(11).toString('base64'),
    requestTime: new Date(now).toUTCString(),
    messageDirection: 'IN',
    stage: LOCAL_WEBSOCKET_STAGE,
    connectedAt: request.connectedAt,
    requestTimeEpoch: now,
    identity: { sourceIp: request.req.socket.remoteAddress ?? '', userAgent: request.req.headers['user-agent'] ?? '' },
    requestId: randomUUID(),
    domainName: request.req.headers.host ?? '',
    connectionId: request.connectionId,
    apiId: LOCAL_WEBSOCKET_API_ID,
  };
}

/** Headers as API Gateway passes them: original casing, joined and listed. */
function headersOf(req: IncomingMessage): { headers: Record<string, string>; multiValueHeaders: Record<string, string[]> } {
  const headers: Record<string, string> = {};
  const multiValueHeaders: Record<string, string[]> = {};
  for (let index = 0; index < req.rawHeaders.length; index += 2) {
    const name = req.rawHeaders[index]!;
    const value = req.rawHeaders[index + 1]!;
    (multiValueHeaders[name] ??= []).push(value);
    headers[name] = multiValueHeaders[name].join(',');
  }
  return { headers, multiValueHeaders };
}
