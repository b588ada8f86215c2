import type { ApiEvent } from '../../../lambdas/shared/http/apiRequest.js';
import type { HttpMethod } from '../../../lib/routes.js';

export interface ApiEventOptions {
  /** @default 'GET' */
  readonly method?: HttpMethod;
  /** The route's path template, e.g. `/uploads/{id}/parts`; `rawPath` is it with `pathParameters` filled in. @default '/' */
  readonly route?: string;
  readonly pathParameters?: Readonly<Record<string, string>>;
  readonly query?: Readonly<Record<string, string>>;
  /** Sent as JSON; a string is sent as it is (to test bodies that are not JSON). @default - no body */
  readonly body?: unknown;
  /** The JWT `sub` claim; `null` leaves the claims empty, as if no authorizer ran. @default 'user-1' */
  readonly sub?: string | null;
  /** Base64-encode the body, as API Gateway does for binary media types. @default false */
  readonly base64?: boolean;
}

/**
 * An HTTP API (payload 2.0) event as API Gateway's JWT authorizer delivers it, for driving a
 * route's middy `handler` in unit tests.
 */
export function apiEvent(options: ApiEventOptions = {}): ApiEvent {
  const { method = 'GET', route = '/', pathParameters, query, sub = 'user-1', base64 = false } = options;
  const rawPath = route.replace(/\{(\w+)\+?\}/g, (_match, name: string) => encodeURIComponent(pathParameters?.[name] ?? ''));
  const text = options.body === undefined ? undefined : typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
  const now = new Date();
  return {
    version: '2.0',
    routeKey: `${method} ${route}`,
    rawPath,
    rawQueryString: new URLSearchParams(query ?? {}).toString(),
    headers: { 'content-type': 'application/json', host: 'api.example.test' },
    ...(query ? { queryStringParameters: { ...query } } : {}),
    ...(pathParameters ? { pathParameters: { ...pathParameters } } : {}),
    ...(text === undefined ? {} : { body: base64 ? Buffer.from(text, 'utf8').toString('base64') : text }),
    isBase64Encoded: base64,
    requestContext: {
      accountId: '123456789012',
      apiId: 'unittest',
      domainName: 'api.example.test',
      domainPrefix: 'api',
      http: { method, path: rawPath, protocol: 'HTTP/1.1', sourceIp: '192.0.2.1', userAgent: 'vitest' },
      requestId: `req-${now.getTime()}`,
      routeKey: `${method} ${route}`,
      stage: '$default',
      time: now.toISOString(),
      timeEpoch: now.getTime(),
      authorizer: { jwt: { claims: sub === null ? {} : { sub }, scopes: null } },
    },
  };
}
