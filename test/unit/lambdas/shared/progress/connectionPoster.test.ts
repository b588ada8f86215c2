import {
  ApiGatewayManagementApiClient,
  DeleteConnectionCommand,
  ForbiddenException,
  GoneException,
  PostToConnectionCommand,
} from '@aws-sdk/client-apigatewaymanagementapi';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it, vi } from 'vitest';

vi.hoisted(() => {
  process.env.WEBSOCKET_CALLBACK_URL = 'https://abc123.execute-api.eu-west-1.amazonaws.com/live/';
});

import { closeConnection, postToConnection } from '../../../../../lambdas/shared/progress/connectionPoster.js';

const management = mockClient(ApiGatewayManagementApiClient);

const gone = () => new GoneException({ message: 'Gone', $metadata: { httpStatusCode: 410 } });
const forbidden = () => new ForbiddenException({ message: 'Forbidden', $metadata: { httpStatusCode: 403 } });

describe('connectionPoster', () => {
  beforeEach(() => {
    management.reset();
  });

  it("posts a message as JSON to the connection, through the stage's management endpoint", async () => {
    management.on(PostToConnectionCommand).resolves({});

    await expect(postToConnection('conn-1', { type: 'pong' })).resolves.toBe('sent');
    expect(management).toHaveReceivedCommandExactlyOnceWith(PostToConnectionCommand, { ConnectionId: 'conn-1', Data: '{"type":"pong"}' });
    const endpoint = await management.call(0).thisValue.config.endpoint?.();
    expect(endpoint).toMatchObject({ hostname: 'abc123.execute-api.eu-west-1.amazonaws.com', path: '/live' });
  });

  it('says gone when API Gateway answers 410, and throws any other failure', async () => {
    management.on(PostToConnectionCommand, { ConnectionId: 'left' }).rejects(gone());
    management.on(PostToConnectionCommand, { ConnectionId: 'denied' }).rejects(forbidden());

    await expect(postToConnection('left', { type: 'pong' })).resolves.toBe('gone');
    await expect(postToConnection('denied', { type: 'pong' })).rejects.toBeInstanceOf(ForbiddenException);
  });

  it('closes a connection, taking one that is already gone as closed', async () => {
    management.on(DeleteConnectionCommand, { ConnectionId: 'open' }).resolves({});
    management.on(DeleteConnectionCommand, { ConnectionId: 'left' }).rejects(gone());
    management.on(DeleteConnectionCommand, { ConnectionId: 'denied' }).rejects(forbidden());

    await expect(closeConnection('open')).resolves.toBeUndefined();
    await expect(closeConnection('left')).resolves.toBeUndefined();
    await expect(closeConnection('denied')).rejects.toBeInstanceOf(ForbiddenException);
    expect(management).toHaveReceivedCommandWith(DeleteConnectionCommand, { ConnectionId: 'open' });
  });
});
