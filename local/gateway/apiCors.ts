import type { GatewayResponse } from './toGatewayResponse.js';

/**
 * The HTTP API's CORS configuration, as the stack sets it (lib/UploadApi.ts `corsPreflight`
 * with its default origins): any origin may call it with a bearer token and a JSON body.
 */
export const API_CORS = {
  allowOrigins: ['*'],
  allowMethods: ['GET', 'POST', 'DELETE', 'OPTIONS'],
  allowHeaders: ['authorization', 'content-type'],
  maxAgeSeconds: 86_400,
} as const;

/** API Gateway answers a CORS preflight itself (no route, no authorizer): 204 with the configured rules. */
export function preflightResponse(origin: string | undefined, requestMethod: string | undefined): GatewayResponse | undefined {
  if (!origin || !requestMethod) return undefined;
  return {
    statusCode: 204,
    headers: {
      ...corsHeaders(origin),
      'access-control-allow-methods': API_CORS.allowMethods.join(','),
      'access-control-allow-headers': API_CORS.allowHeaders.join(','),
      'access-control-max-age': String(API_CORS.maxAgeSeconds),
    },
    body: Buffer.alloc(0),
  };
}

/** Added to every answer to a cross-origin request, errors included. */
export function corsHeaders(origin: string | undefined): Record<string, string> {
  return origin ? { 'access-control-allow-origin': '*' } : {};
}
