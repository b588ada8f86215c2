import { DeleteCommand, DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

vi.hoisted(() => {
  process.env.CONNECTIONS_TABLE = 'connections-table';
});

import { logger } from '../../../../lambdas/shared/logger.js';
import { handler } from '../../../../lambdas/ws-disconnect/handler.js';
import { lambdaContext } from '../../support/lambdaContext.js';

const dynamo = mockClient(DynamoDBDocumentClient);

function disconnectEvent(connectionId: string) {
  return {
    requestContext: { connectionId, routeKey: '$disconnect', eventType: 'DISCONNECT', authorizer: { ownerId: 'owner-1', tokenExpiresAt: 1 } },
  } as unknown as Parameters<typeof handler>[0];
}

describe('dropConnection', () => {
  beforeEach(() => {
    dynamo.reset();
    vi.spyOn(logger, 'info').mockImplementation(() => undefined);
  });

  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('on $disconnect, removes every subscription the connection held and answers 200', async () => {
    dynamo.on(QueryCommand).resolves({ Items: [{ topic: 'upload#u1' }, { topic: 'owner#owner-1' }] });
    dynamo.on(DeleteCommand).resolves({});

    const response = await handler(disconnectEvent('conn-1'), lambdaContext());

    expect(response).toEqual({ statusCode: 200, body: '' });
    expect(dynamo).toHaveReceivedCommandWith(QueryCommand, { IndexName: 'byConnection', ExpressionAttributeValues: { ':connectionId': 'conn-1' } });
    expect(dynamo).toHaveReceivedCommandWith(DeleteCommand, { Key: { topic: 'upload#u1', connectionId: 'conn-1' } });
    expect(dynamo).toHaveReceivedCommandWith(DeleteCommand, { Key: { topic: 'owner#owner-1', connectionId: 'conn-1' } });
    expect(logger.info).toHaveBeenCalledWith('Connection closed', { connectionId: 'conn-1', subscriptionsRemoved: 2 });
  });

  it('for a connection that never subscribed, removes only its counter and its place in the owner count, by key', async () => {
    dynamo.on(QueryCommand).resolves({ Items: [] });
    dynamo.on(DeleteCommand).resolves({});

    await handler(disconnectEvent('conn-2'), lambdaContext());

    expect(dynamo).toHaveReceivedCommandTimes(DeleteCommand, 2);
    expect(dynamo).toHaveReceivedCommandWith(DeleteCommand, { Key: { topic: 'connection#conn-2', connectionId: 'conn-2' } });
    expect(dynamo).toHaveReceivedCommandWith(DeleteCommand, { Key: { topic: 'connections#owner-1', connectionId: 'conn-2' } });
  });
});
