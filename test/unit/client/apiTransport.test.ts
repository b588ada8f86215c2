import { describe, expect, it, vi } from 'vitest';
import { createApiTransport, type FetchFunction } from '../../../client/apiTransport.js';
import { AbortError, ApiError, NetworkError } from '../../../client/errors.js';

function transportAnswering(answer: FetchFunction, getToken: () => string | Promise<string> = () => 'tok') {
  const fetch = vi.fn(answer);
  return { fetch, transport: createApiTransport({ apiUrl: 'https://api.example.test/prod/', getToken, fetch }) };
}

describe('createApiTransport', () => {
  it('sends JSON with the bearer token to the API path and returns the parsed body', async () => {
    const { fetch, transport } = transportAnswering(async () => Response.json({ uploadId: 'u1' }));

    const body = await transport.request('POST', '/uploads', { body: { size: 1 }, query: { limit: 5, cursor: undefined } });

    expect(body).toEqual({ uploadId: 'u1' });
    const [url, init] = fetch.mock.calls[0] as [string, RequestInit];
    expect(url).toBe('https://api.example.test/prod/uploads?limit=5');
    expect(init.method).toBe('POST');
    expect(init.body).toBe('{"size":1}');
    expect(new Headers(init.headers).get('authorization')).toBe('Bearer tok');
    expect(new Headers(init.headers).get('content-type')).toBe('application/json');
  });

  it('asks getToken before every request, so a refreshed token is used', async () => {
    const tokens = ['first', 'second'];
    const { fetch, transport } = transportAnswering(async () => new Response(null, { status: 204 }), () => tokens.shift() as string);

    await transport.request('GET', '/config');
    await transport.request('GET', '/config');

    const sent = fetch.mock.calls.map(([, init]) => new Headers(init?.headers).get('authorization'));
    expect(sent).toEqual(['Bearer first', 'Bearer second']);
  });

  it('returns undefined for an empty success body', async () => {
    const { transport } = transportAnswering(async () => new Response(null, { status: 204 }));

    await expect(transport.request('DELETE', '/uploads/u1')).resolves.toBeUndefined();
  });

  it('maps the API error body to ApiError with its status, code and message', async () => {
    const { transport } = transportAnswering(async () =>
      Response.json({ error: { code: 'TOO_LARGE', message: 'size 30 GiB is over the 20 GiB limit' } }, { status: 413 }),
    );

    const error = await transport.request('POST', '/uploads', { body: {} }).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 413, code: 'TOO_LARGE', message: 'size 30 GiB is over the 20 GiB limit' });
  });

  it('keeps the seconds of a Retry-After header on the ApiError, and none when there is no such header', async () => {
    const limited = transportAnswering(async () =>
      Response.json({ error: { code: 'RATE_LIMITED', message: 'You created 100 uploads this hour' } }, { status: 429, headers: { 'retry-after': '2400' } }),
    );
    await expect(limited.transport.request('POST', '/uploads', { body: {} })).rejects.toMatchObject({ code: 'RATE_LIMITED', retryAfterSeconds: 2400 });

    const quota = transportAnswering(async () => Response.json({ error: { code: 'QUOTA_EXCEEDED', message: 'You have 5 unfinished uploads' } }, { status: 403 }));
    const error = await quota.transport.request('POST', '/uploads', { body: {} }).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ status: 403, code: 'QUOTA_EXCEEDED', retryAfterSeconds: undefined });
  });

  it("maps the JWT authorizer's 401 {message} to ApiError UNAUTHORIZED", async () => {
    const { transport } = transportAnswering(async () => Response.json({ message: 'Unauthorized' }, { status: 401 }));

    await expect(transport.request('GET', '/uploads')).rejects.toMatchObject({ status: 401, code: 'UNAUTHORIZED', message: 'Unauthorized' });
  });

  it('names a status without a known code HTTP_<status> and quotes a non-JSON body', async () => {
    const { transport } = transportAnswering(async () => new Response('upstream timed out', { status: 504 }));

    await expect(transport.request('GET', '/uploads/u1')).rejects.toMatchObject({
      status: 504,
      code: 'HTTP_504',
      message: 'GET /uploads/u1 failed with 504: upstream timed out',
    });
  });

  it('rejects a success body that is not JSON with ApiError INVALID_RESPONSE', async () => {
    const { transport } = transportAnswering(async () => new Response('<html>', { status: 200 }));

    await expect(transport.request('GET', '/config')).rejects.toMatchObject({ code: 'INVALID_RESPONSE', status: 200 });
  });

  it('turns a request that got no response into NetworkError with the cause', async () => {
    const refused = new TypeError('fetch failed');
    const { transport } = transportAnswering(async () => {
      throw refused;
    });

    const error = await transport.request('GET', '/config').catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(NetworkError);
    expect(error).toMatchObject({ url: 'https://api.example.test/prod/config', cause: refused });
  });

  it('turns an aborted request into AbortError', async () => {
    const controller = new AbortController();
    const { transport } = transportAnswering(async (_url, init) => {
      controller.abort();
      init?.signal?.throwIfAborted();
      return Response.json({});
    });

    await expect(transport.request('GET', '/config', { signal: controller.signal })).rejects.toBeInstanceOf(AbortError);
  });
});
