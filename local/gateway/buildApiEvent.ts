import type { APIGatewayProxyEventV2, APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import type { JWTPayload } from 'jose';
import { authorizerClaims, authorizerScopes } from '../auth/authorizerClaims.js';
import type { RouteMatch } from './createRouteMatcher.js';

/** An HTTP request as the gateway received it. */
export interface GatewayRequest {
  readonly method: string;
  readonly rawPath: string;
  /** Without the leading `?`. */
  readonly rawQueryString: string;
  /** Lower-case names, every value received (Node's `headersDistinct`). */
  readonly headers: Readonly<Record<string, readonly string[] | undefined>>;
  readonly body: Buffer;
  readonly sourceIp: string;
}

export interface ApiEventInput {
  readonly request: GatewayRequest;
  readonly match: RouteMatch;
  /** The verified token's claims; none on a route without auth, where API Gateway sends no `authorizer`. */
  readonly claims?: JWTPayload;
  readonly requestId: string;
  readonly now: Date;
}

const API_ID = 'local';
const ACCOUNT_ID = '000000000000';
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** Content types API Gateway passes as text; any other body arrives base64-encoded. */
const TEXT_TYPES = /^(text\/|application\/(json|[\w.+-]+\+json|xml|[\w.+-]+\+xml|javascript|x-www-form-urlencoded))/i;

/**
 * The payload-format 2.0 event API Gateway sends for a request that passed the JWT authorizer:
 * headers joined with commas, cookies split out, repeated query parameters joined with commas,
 * path parameters from the route template, and the claims (as strings) and scopes under
 * `requestContext.authorizer.jwt`.
 */
export function buildApiEvent(input: ApiEventInput & { readonly claims: JWTPayload }): APIGatewayProxyEventV2WithJWTAuthorizer;
export function buildApiEvent(input: ApiEventInput): APIGatewayProxyEventV2;
export function buildApiEvent({ request, match, claims, requestId, now }: ApiEventInput): APIGatewayProxyEventV2 {
  const headers: Record<string, string> = {};
  for (const [name, values] of Object.entries(request.headers)) {
    if (name !== 'cookie' && values) headers[name] = values.join(',');
  }
  const cookies = (request.headers.cookie ?? []).flatMap((value) => value.split(';')).map((cookie) => cookie.trim()).filter(Boolean);
  const host = headers.host ?? 'localhost';
  const contentType = headers['content-type'] ?? '';
  const hasBody = request.body.length > 0;
  const isBase64Encoded = hasBody && !TEXT_TYPES.test(contentType);

  return {
    version: '2.0',
    routeKey: match.routeKey,
    rawPath: request.rawPath,
    rawQueryString: request.rawQueryString,
    ...(cookies.length > 0 ? { cookies } : {}),
    headers,
    ...(request.rawQueryString ? { queryStringParameters: queryParameters(request.rawQueryString) } : {}),
    ...(match.pathParameters ? { pathParameters: { ...match.pathParameters } } : {}),
    requestContext: {
      accountId: ACCOUNT_ID,
      apiId: API_ID,
      ...(claims === undefined ? {} : { authorizer: { jwt: { claims: authorizerClaims(claims), scopes: authorizerScopes(claims) } } }),
      domainName: host,
      domainPrefix: host.split('.')[0] ?? host,
      http: {
        method: request.method,
        path: request.rawPath,
        protocol: 'HTTP/1.1',
        sourceIp: request.sourceIp,
        userAgent: headers['user-agent'] ?? '',
      },
      requestId,
      routeKey: match.routeKey,
      stage: '$default',
      time: requestTime(now),
      timeEpoch: now.getTime(),
    },
    ...(hasBody ? { body: request.body.toString(isBase64Encoded ? 'base64' : 'utf8') } : {}),
    isBase64Encoded,
  };
}

function queryParameters(rawQueryString: string): Record<string, string> {
  const parameters: Record<string, string> = {};
  for (const [name, value] of new URLSearchParams(rawQueryString)) {
    parameters[name] = name in parameters ? `${parameters[name]},${value}` : value;
  }
  return parameters;
}

/** API Gateway's `requestContext.time`, e.g. `12/Mar/2020:19:03:58 +0000`. */
function requestTime(date: Date): string {
  const pad = (value: number) => String(value).padStart(2, '0');
  return (
    `${pad(date.getUTCDate())}/${MONTHS[date.getUTCMonth()]}/${date.getUTCFullYear()}:` +
    `${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} +0000`
  );
}
