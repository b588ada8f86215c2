import { describe, expect, it } from 'vitest';
import { UnauthorizedError, ValidationError } from '../../../../../lambdas/shared/errors.js';
import { toApiRequest } from '../../../../../lambdas/shared/http/apiRequest.js';
import { apiEvent } from '../../../support/apiEvent.js';

describe('toApiRequest', () => {
  it('takes the owner from the JWT sub claim and passes path, query and parsed body through', () => {
    const request = toApiRequest(
      apiEvent({
        method: 'POST',
        route: '/uploads/{id}/complete',
        pathParameters: { id: 'abc' },
        query: { limit: '5' },
        body: { parts: [{ partNumber: 1, etag: '"e1"' }] },
        sub: 'owner-7',
      }),
    );

    expect(request).toEqual({
      ownerId: 'owner-7',
      pathParameters: { id: 'abc' },
      query: { limit: '5' },
      body: { parts: [{ partNumber: 1, etag: '"e1"' }] },
    });
  });

  it('gives empty path parameters and query, and an undefined body, when the event has none', () => {
    expect(toApiRequest(apiEvent())).toEqual({ ownerId: 'user-1', pathParameters: {}, query: {}, body: undefined });
    expect(toApiRequest(apiEvent({ body: '' })).body).toBeUndefined();
  });

  it('decodes a base64-encoded body before parsing it', () => {
    expect(toApiRequest(apiEvent({ body: { a: 'é' }, base64: true })).body).toEqual({ a: 'é' });
  });

  it('rejects a request without a subject claim with 401 UNAUTHORIZED', () => {
    expect(() => toApiRequest(apiEvent({ sub: null }))).toThrow(UnauthorizedError);
    expect(() => toApiRequest(apiEvent({ sub: '' }))).toThrow(UnauthorizedError);
  });

  it('rejects a body that is not JSON with 400 INVALID_JSON', () => {
    let caught: unknown;
    try {
      toApiRequest(apiEvent({ body: '{"parts": [' }));
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ValidationError);
    expect(caught).toMatchObject({ statusCode: 400, code: 'INVALID_JSON', expose: true });
    expect((caught as Error).message).toMatch(/^The request body is not valid JSON \(.+\)$/);
  });
});
