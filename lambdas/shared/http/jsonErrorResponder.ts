import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyResultV2 } from 'aws-lambda';
import { logger } from '../logger.js';

interface ExposableError {
  readonly statusCode?: number;
  readonly expose?: boolean;
  readonly code?: string;
  readonly message?: string;
  /** Headers that belong to the answer, e.g. `retry-after` on a 429. */
  readonly headers?: Readonly<Record<string, string>>;
}

const INTERNAL = { code: 'INTERNAL_ERROR', message: 'Something went wrong on our side; try again later' };

/** Codes for middy's own HTTP errors, which carry a status but no code. */
const CODE_BY_STATUS: Record<number, string> = {
  400: 'INVALID_REQUEST',
  401: 'UNAUTHORIZED',
  404: 'NOT_FOUND',
  409: 'INVALID_STATE',
  413: 'TOO_LARGE',
  415: 'UNSUPPORTED_TYPE',
  422: 'UNPROCESSABLE',
};

export interface JsonErrorResponderOptions {
  /**
   * Also put the message at the top of the body, `{ message, error: { code, message } }`:
   * Companion clients (Uppy) show a 4xx answer's top-level `message` to the user.
   * @default false
   */
  readonly topLevelMessage?: boolean;
}

/**
 * Turns any error into `{ "error": { "code", "message" } }`. Errors marked `expose` (the
 * pipeline's own 4xx errors, middy's HTTP errors) keep their status, message and headers;
 * anything else is logged and answered with a plain 500 that reveals nothing.
 */
export function jsonErrorResponder(options: JsonErrorResponderOptions = {}): MiddlewareObj<unknown, APIGatewayProxyResultV2> {
  return {
    name: 'jsonErrorResponder',
    onError: (request) => {
      const error = (request.error ?? {}) as ExposableError;
      const status = error.statusCode;
      const exposed = error.expose === true && typeof status === 'number' && status >= 400 && status < 500;
      if (!exposed) logger.error('Request failed', { error: request.error as Error });
      const statusCode = exposed ? status : 500;
      const body = exposed
        ? { code: error.code ?? CODE_BY_STATUS[status] ?? 'INVALID_REQUEST', message: error.message ?? 'Invalid request' }
        : INTERNAL;
      request.response = {
        statusCode,
        headers: { ...(exposed ? error.headers : {}), 'content-type': 'application/json' },
        body: JSON.stringify(options.topLevelMessage ? { message: body.message, error: body } : { error: body }),
      };
    },
  };
}
