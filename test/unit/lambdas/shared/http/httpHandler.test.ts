import { afterEach, describe, expect, it, vi } from 'vitest';
import { ValidationError } from '../../../../../lambdas/shared/errors.js';
import type { ApiRequest } from '../../../../../lambdas/shared/http/apiRequest.js';
import { httpHandler } from '../../../../../lambdas/shared/http/httpHandler.js';
import { logger } from '../../../../../lambdas/shared/logger.js';
import { apiEvent } from '../../../support/apiEvent.js';
import { lambdaContext } from '../../../support/lambdaContext.js';

describe('httpHandler', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('hands the logic the checked request and sends its body as JSON with its headers', async () => {
    const logic = vi.fn(async (_request: ApiRequest) => ({ statusCode: 201, body: { uploadId: 'u1' }, headers: { location: '/uploads/u1' } }));

    const response = await httpHandler(logic)(apiEvent({ method: 'POST', route: '/uploads', body: { size: 1 }, sub: 'owner-1' }), lambdaContext());

    expect(logic).toHaveBeenCalledWith({ ownerId: 'owner-1', pathParameters: {}, query: {}, body: { size: 1 } });
    expect(response).toEqual({
      statusCode: 201,
      headers: { 'content-type': 'application/json', location: '/uploads/u1' },
      body: '{"uploadId":"u1"}',
    });
  });

  it('sends an empty body when the logic returns none (204)', async () => {
    const response = await httpHandler(async () => ({ statusCode: 204 }))(apiEvent({ method: 'DELETE' }), lambdaContext());

    expect(response).toEqual({ statusCode: 204, headers: { 'content-type': 'application/json' }, body: '' });
  });

  it('renders errors from the logic as { error: { code, message } }', async () => {
    const response = await httpHandler(async () => {
      throw new ValidationError('status must be one of initiated, uploaded, got "done"', 'INVALID_QUERY');
    })(apiEvent(), lambdaContext());

    expect(response).toMatchObject({ statusCode: 400 });
    expect(JSON.parse((response as { body: string }).body)).toEqual({
      error: { code: 'INVALID_QUERY', message: 'status must be one of initiated, uploaded, got "done"' },
    });
  });

  it('answers 401 without running the logic when no subject reached the handler', async () => {
    const logic = vi.fn(async () => ({ statusCode: 200 }));

    const response = await httpHandler(logic)(apiEvent({ sub: null }), lambdaContext());

    expect(response).toMatchObject({ statusCode: 401 });
    expect(JSON.parse((response as { body: string }).body).error.code).toBe('UNAUTHORIZED');
    expect(logic).not.toHaveBeenCalled();
  });

  it('answers a malformed JSON body with 400 INVALID_JSON without running the logic', async () => {
    const logic = vi.fn(async () => ({ statusCode: 200 }));

    const response = await httpHandler(logic)(apiEvent({ method: 'POST', body: '{not json' }), lambdaContext());

    expect(response).toMatchObject({ statusCode: 400 });
    expect(JSON.parse((response as { body: string }).body).error.code).toBe('INVALID_JSON');
    expect(logic).not.toHaveBeenCalled();
  });

  it('answers an unexpected failure with 500 INTERNAL_ERROR and none of its details', async () => {
    vi.spyOn(logger, 'error').mockImplementation(() => undefined);

    const response = await httpHandler(async () => {
      throw new Error('AccessDenied on arn:aws:dynamodb:eu-west-1:123456789012:table/uploads');
    })(apiEvent(), lambdaContext());

    expect(response).toMatchObject({ statusCode: 500 });
    expect((response as { body: string }).body).not.toContain('arn:aws');
    expect(JSON.parse((response as { body: string }).body).error.code).toBe('INTERNAL_ERROR');
  });
});
