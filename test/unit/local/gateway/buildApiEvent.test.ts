import { describe, expect, it } from 'vitest';
import { buildApiEvent, type GatewayRequest } from '../../../../local/gateway/buildApiEvent.js';
import { createRouteMatcher } from '../../../../local/gateway/createRouteMatcher.js';
import { toApiRequest } from '../../../../lambdas/shared/http/apiRequest.js';
import { ROUTES } from '../../../../lib/routes.js';

const matchRoute = createRouteMatcher(ROUTES);
const now = new Date('2026-03-05T09:04:07.123Z');
const claims = { sub: 'user-1', iss: 'https://issuer', exp: 1_900_000_000, scope: 'openid email', 'cognito:groups': ['a', 'b'] };

function request(overrides: Partial<GatewayRequest> = {}): GatewayRequest {
  return {
    method: 'POST',
    rawPath: '/uploads/u-1/parts',
    rawQueryString: '',
    headers: { host: ['127.0.0.1:4000'], 'content-type': ['application/json'], 'user-agent': ['curl/8.5'] },
    body: Buffer.from('{"partNumbers":[1,2]}'),
    sourceIp: '127.0.0.1',
    ...overrides,
  };
}

function eventFor(req: GatewayRequest) {
  const match = matchRoute(req.method, req.rawPath);
  if (!match) throw new Error(`no route for ${req.method} ${req.rawPath}`);
  return buildApiEvent({ request: req, match, claims, requestId: 'req-1', now });
}

describe('buildApiEvent', () => {
  it('builds the payload 2.0 event API Gateway sends after the JWT authorizer', () => {
    expect(eventFor(request())).toEqual({
      version: '2.0',
      routeKey: 'POST /uploads/{id}/parts',
      rawPath: '/uploads/u-1/parts',
      rawQueryString: '',
      headers: { host: '127.0.0.1:4000', 'content-type': 'application/json', 'user-agent': 'curl/8.5' },
      pathParameters: { id: 'u-1' },
      requestContext: {
        accountId: '000000000000',
        apiId: 'local',
        authorizer: {
          jwt: {
            claims: { sub: 'user-1', iss: 'https://issuer', exp: '1900000000', scope: 'openid email', 'cognito:groups': '[a b]' },
            scopes: ['openid', 'email'],
          },
        },
        domainName: '127.0.0.1:4000',
        domainPrefix: '127',
        http: { method: 'POST', path: '/uploads/u-1/parts', protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'curl/8.5' },
        requestId: 'req-1',
        routeKey: 'POST /uploads/{id}/parts',
        stage: '$default',
        time: '05/Mar/2026:09:04:07 +0000',
        timeEpoch: now.getTime(),
      },
      body: '{"partNumbers":[1,2]}',
      isBase64Encoded: false,
    });
  });

  it('gives the shared toApiRequest what it needs: the owner from the claims, the path parameter and the parsed body', () => {
    expect(toApiRequest(eventFor(request()))).toEqual({
      ownerId: 'user-1',
      pathParameters: { id: 'u-1' },
      query: {},
      body: { partNumbers: [1, 2] },
    });
  });

  it('joins repeated query parameters and headers with commas, and splits cookies out of the headers', () => {
    const event = eventFor(
      request({
        method: 'GET',
        rawPath: '/uploads',
        rawQueryString: 'status=ready&status=failed&limit=10&cursor=a%2Bb',
        headers: { host: ['h'], accept: ['a/b', 'c/d'], cookie: ['a=1; b=2'] },
        body: Buffer.alloc(0),
      }),
    );
    expect(event.queryStringParameters).toEqual({ status: 'ready,failed', limit: '10', cursor: 'a+b' });
    expect(event.headers).toEqual({ host: 'h', accept: 'a/b,c/d' });
    expect(event.cookies).toEqual(['a=1', 'b=2']);
    expect(event.pathParameters).toBeUndefined();
    expect(event).not.toHaveProperty('body');
    expect(event.isBase64Encoded).toBe(false);
  });

  it('base64-encodes a body that is not text', () => {
    const body = Buffer.from([0, 255, 1]);
    const event = eventFor(request({ headers: { host: ['h'], 'content-type': ['application/octet-stream'] }, body }));
    expect(event.isBase64Encoded).toBe(true);
    expect(event.body).toBe(body.toString('base64'));
  });

  it('leaves out queryStringParameters when there is no query', () => {
    expect(eventFor(request())).not.toHaveProperty('queryStringParameters');
  });

  it('passes null scopes for a token without a scope claim', () => {
    const match = matchRoute('GET', '/config')!;
    const event = buildApiEvent({ request: request({ method: 'GET', rawPath: '/config' }), match, claims: { sub: 'u' }, requestId: 'r', now });
    expect(event.requestContext.authorizer.jwt).toEqual({ claims: { sub: 'u' }, scopes: null });
  });

  it('sends no authorizer for a route without auth, as API Gateway does', () => {
    const match = matchRoute('GET', '/openapi.json')!;
    const event = buildApiEvent({ request: request({ method: 'GET', rawPath: '/openapi.json' }), match, requestId: 'r', now });
    expect(event.requestContext).not.toHaveProperty('authorizer');
    expect(event.routeKey).toBe('GET /openapi.json');
  });
});
