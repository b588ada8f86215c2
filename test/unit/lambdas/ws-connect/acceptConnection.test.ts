import { describe, expect, it } from 'vitest';
import { PROGRESS_PROTOCOL } from '../../../../lambdas/shared/progress/protocol.js';
import { acceptConnection } from '../../../../lambdas/ws-connect/acceptConnection.js';
import { handler } from '../../../../lambdas/ws-connect/handler.js';
import { lambdaContext } from '../../support/lambdaContext.js';

describe('acceptConnection', () => {
  it('answers 200 choosing exactly media-pipeline.v1 as the subprotocol, never the bearer one', () => {
    const response = acceptConnection();

    expect(response).toEqual({ statusCode: 200, headers: { 'Sec-WebSocket-Protocol': 'media-pipeline.v1' }, body: '' });
    expect(PROGRESS_PROTOCOL).toBe('media-pipeline.v1');
  });

  it('is what the $connect handler answers to a connection that offered a bearer token too', async () => {
    const event = {
      headers: { 'Sec-WebSocket-Protocol': 'media-pipeline.v1, bearer.eyJhbGciOiJSUzI1NiJ9.e30.c2ln' },
      requestContext: { connectionId: 'conn-1', routeKey: '$connect', eventType: 'CONNECT', authorizer: { ownerId: 'owner-1', tokenExpiresAt: 1 } },
    };

    const response = await handler(event, lambdaContext());

    expect(response.headers).toEqual({ 'Sec-WebSocket-Protocol': 'media-pipeline.v1' });
    expect(JSON.stringify(response)).not.toContain('bearer');
  });
});
