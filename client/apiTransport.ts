import { AbortError, ApiError, NetworkError } from './errors.js';
import { abortErrorFor } from './retry.js';

export type FetchFunction = (input: string, init?: RequestInit) => Promise<Response>;

export interface ApiRequestInit {
  readonly body?: unknown;
  readonly query?: Readonly<Record<string, string | number | undefined>>;
  readonly signal?: AbortSignal;
}

export interface ApiTransport {
  request<T>(method: 'GET' | 'POST' | 'DELETE', path: string, init?: ApiRequestInit): Promise<T>;
}

export interface ApiTransportOptions {
  readonly apiUrl: string;
  /** Called before every request, so a token refreshed by the app is picked up. */
  readonly getToken: () => string | Promise<string>;
  readonly fetch: FetchFunction;
}

/** Codes for answers that carry no `{ error: { code } }`, such as the JWT authorizer's `{"message":"Unauthorized"}`. */
const CODE_BY_STATUS: Readonly<Record<number, string>> = {
  400: 'INVALID_REQUEST',
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  409: 'INVALID_STATE',
  413: 'TOO_LARGE',
  415: 'UNSUPPORTED_TYPE',
  422: 'UNPROCESSABLE',
  429: 'TOO_MANY_REQUESTS',
};

/**
 * JSON over fetch with a bearer token. Every failure becomes one of the client's typed errors:
 * an HTTP error status → ApiError (with the API's code), no response → NetworkError, the
 * caller's signal → AbortError.
 */
export function createApiTransport(options: ApiTransportOptions): ApiTransport {
  const base = options.apiUrl.replace(/\/+$/, '');

  return {
    async request<T>(method: 'GET' | 'POST' | 'DELETE', path: string, init: ApiRequestInit = {}): Promise<T> {
      const url = base + path + queryString(init.query);
      const headers: Record<string, string> = {
        accept: 'application/json',
        authorization: `Bearer ${await options.getToken()}`,
      };
      if (init.body !== undefined) headers['content-type'] = 'application/json';
      try {
        const response = await options.fetch(url, {
          method,
          headers,
          ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
          ...(init.signal ? { signal: init.signal } : {}),
        });
        const text = await response.text();
        if (!response.ok) throw apiErrorFrom(response.status, text, `${method} ${path}`, retryAfter(response.headers));
        return parseBody<T>(response.status, text, `${method} ${path}`);
      } catch (error) {
        if (error instanceof ApiError) throw error;
        if (init.signal?.aborted) throw abortErrorFor(init.signal);
        if (error instanceof AbortError) throw error;
        throw new NetworkError(url, { cause: error });
      }
    },
  };
}

function queryString(query: ApiRequestInit['query']): string {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    if (value !== undefined) params.set(name, String(value));
  }
  const encoded = params.toString();
  return encoded === '' ? '' : `?${encoded}`;
}

function parseBody<T>(status: number, text: string, what: string): T {
  if (text === '') return undefined as T;
  try {
    return JSON.parse(text) as T;
  } catch (cause) {
    throw new ApiError(status, 'INVALID_RESPONSE', `${what} answered ${status} with a body that is not JSON: ${text.slice(0, 120)}`, { cause });
  }
}

/** `Retry-After` in seconds; the HTTP-date form is not used by the API. */
function retryAfter(headers: Headers): number | undefined {
  const value = headers.get('retry-after');
  if (value === null || !/^\d+$/.test(value.trim())) return undefined;
  return Number(value.trim());
}

function apiErrorFrom(status: number, text: string, what: string, retryAfterSeconds: number | undefined): ApiError {
  const options = retryAfterSeconds === undefined ? {} : { retryAfterSeconds };
  const fallbackCode = CODE_BY_STATUS[status] ?? `HTTP_${status}`;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  const body = parsed as { error?: { code?: unknown; message?: unknown }; message?: unknown } | undefined;
  if (body && typeof body.error?.code === 'string') {
    const message = typeof body.error.message === 'string' ? body.error.message : `${what} failed with ${status}`;
    return new ApiError(status, body.error.code, message, options);
  }
  if (body && typeof body.message === 'string') return new ApiError(status, fallbackCode, body.message, options);
  const detail = text.trim() === '' ? '' : `: ${text.trim().slice(0, 200)}`;
  return new ApiError(status, fallbackCode, `${what} failed with ${status}${detail}`, options);
}
