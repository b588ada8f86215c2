import middy from '@middy/core';
import { createError } from '@middy/util';
import type { APIGatewayProxyResultV2 } from 'aws-lambda';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  ConfigError,
  InvalidStateError,
  NotFoundError,
  ProcessingError,
  QuotaExceededError,
  RateLimitedError,
  UnprocessableError,
  ValidationError,
} from '../../../../../lambdas/shared/errors.js';
import { jsonErrorResponder } from '../../../../../lambdas/shared/http/jsonErrorResponder.js';
import { logger } from '../../../../../lambdas/shared/logger.js';
import { lambdaContext } from '../../../support/lambdaContext.js';

/** Runs a handler that throws `error` behind the responder and returns what the client would get. */
async function respond(error: unknown, options: { topLevelMessage?: boolean } = {}): Promise<{ statusCode: number; body: unknown; headers: unknown }> {
  const handler = middy<unknown, APIGatewayProxyResultV2>()
    .use(jsonErrorResponder(options))
    .handler(async () => {
      throw error;
    });
  const response = (await handler({}, lambdaContext())) as { statusCode: number; body: string; headers: unknown };
  return { statusCode: response.statusCode, body: JSON.parse(response.body), headers: response.headers };
}

describe('jsonErrorResponder', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it.each([
    [new ValidationError('limit must be 1 to 100, got 0', 'INVALID_QUERY'), 400, 'INVALID_QUERY', 'limit must be 1 to 100, got 0'],
    [new NotFoundError('Upload u1 was not found'), 404, 'NOT_FOUND', 'Upload u1 was not found'],
    [new InvalidStateError('Upload u1 is cancelled', 'cancelled'), 409, 'INVALID_STATE', 'Upload u1 is cancelled'],
    [new UnprocessableError('Parts 2 and 3 are missing', 'PARTS_MISSING'), 422, 'PARTS_MISSING', 'Parts 2 and 3 are missing'],
  ])('keeps the status, code and message of an exposed %s', async (error, statusCode, code, message) => {
    const error_ = vi.spyOn(logger, 'error').mockImplementation(() => undefined);

    const response = await respond(error);

    expect(response).toEqual({ statusCode, headers: { 'content-type': 'application/json' }, body: { error: { code, message } } });
    expect(error_).not.toHaveBeenCalled();
  });

  it('puts the message at the top as well for Companion clients, which show it to the user, and keeps a 500 as plain', async () => {
    vi.spyOn(logger, 'error').mockImplementation(() => undefined);

    expect((await respond(new NotFoundError('Upload u1 was not found'), { topLevelMessage: true })).body).toEqual({
      message: 'Upload u1 was not found',
      error: { code: 'NOT_FOUND', message: 'Upload u1 was not found' },
    });
    expect((await respond(new Error('table "secret" is gone'), { topLevelMessage: true })).body).toEqual({
      message: 'Something went wrong on our side; try again later',
      error: { code: 'INTERNAL_ERROR', message: 'Something went wrong on our side; try again later' },
    });
  });

  it('answers a per-user limit with 403 QUOTA_EXCEEDED', async () => {
    const response = await respond(new QuotaExceededError('You have 5 unfinished uploads; the limit is 5 per user'));

    expect(response).toEqual({
      statusCode: 403,
      headers: { 'content-type': 'application/json' },
      body: { error: { code: 'QUOTA_EXCEEDED', message: 'You have 5 unfinished uploads; the limit is 5 per user' } },
    });
  });

  it('answers the hourly limit with 429 RATE_LIMITED and a Retry-After header until the hour ends', async () => {
    const response = await respond(new RateLimitedError('You created 100 uploads this hour; the limit is 100 per hour', 1234));

    expect(response).toEqual({
      statusCode: 429,
      headers: { 'retry-after': '1234', 'content-type': 'application/json' },
      body: { error: { code: 'RATE_LIMITED', message: 'You created 100 uploads this hour; the limit is 100 per hour' } },
    });
  });

  it('sends no header of an error it does not expose', async () => {
    vi.spyOn(logger, 'error').mockImplementation(() => undefined);
    const error = Object.assign(new Error('internal'), { headers: { 'x-internal-host': '10.0.0.7' } });

    expect((await respond(error)).headers).toEqual({ 'content-type': 'application/json' });
  });

  it("gives middy's HTTP errors, which carry no code, the code of their status", async () => {
    const response = await respond(createError(415, 'Unsupported Media Type'));

    expect(response.statusCode).toBe(415);
    expect(response.body).toEqual({ error: { code: 'UNSUPPORTED_TYPE', message: 'Unsupported Media Type' } });
  });

  it.each([
    ['a plain Error', new Error('connect ECONNREFUSED 10.0.0.7:443 table uploads-prod')],
    ['a ConfigError', new ConfigError('Environment variable UPLOADS_TABLE is not set')],
    ['a ProcessingError', new ProcessingError('TRANSCODE_FAILED', 'ffmpeg exited with 1 at /opt/bin/ffmpeg')],
    ['an exposed 5xx', createError(503, 'upstream s3 at 10.0.0.9 timed out', { expose: true })],
    ['a thrown string', 'secret-token-value'],
    ['undefined', undefined],
  ])('answers %s with a plain 500 INTERNAL_ERROR that reveals nothing, and logs it', async (_label, error) => {
    const logged = vi.spyOn(logger, 'error').mockImplementation(() => undefined);

    const response = await respond(error);

    expect(response.statusCode).toBe(500);
    expect(response.body).toEqual({ error: { code: 'INTERNAL_ERROR', message: 'Something went wrong on our side; try again later' } });
    expect(logged).toHaveBeenCalledOnce();
  });
});
