import middy from '@middy/core';
import type { APIGatewayProxyResultV2, Context } from 'aws-lambda';
import { type ApiEvent, type ApiRequest, toApiRequest } from './apiRequest.js';
import { jsonErrorResponder, type JsonErrorResponderOptions } from './jsonErrorResponder.js';

/** What an API handler's logic returns; the body is sent as JSON. */
export interface ApiResponse {
  readonly statusCode: number;
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

export type ApiLogic = (request: ApiRequest) => Promise<ApiResponse>;

/**
 * Wires middy around an API handler's logic: the typed request in, a JSON response out, and
 * every error rendered as `{ error: { code, message } }` by one middleware (with the message
 * also at the top for Companion routes, `errors.topLevelMessage`).
 */
export function httpHandler(logic: ApiLogic, options: { readonly errors?: JsonErrorResponderOptions } = {}) {
  return middy<ApiEvent, APIGatewayProxyResultV2, Error, Context>()
    .use(jsonErrorResponder(options.errors))
    .handler(async (event) => {
      const response = await logic(toApiRequest(event));
      return {
        statusCode: response.statusCode,
        headers: { 'content-type': 'application/json', ...response.headers },
        body: response.body === undefined ? '' : JSON.stringify(response.body),
      };
    });
}
