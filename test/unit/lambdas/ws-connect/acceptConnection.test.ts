import { ApiGatewayManagementApiClient, GetConnectionCommand, GoneException } from '@aws-sdk/client-apigatewaymanagementapi';
import { DeleteCommand, DynamoDBDocumentClient, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it, vi } from 'vitest';

vi.hoisted(() => {
  process.env.CONNECTIONS_TABLE = 'connections-table';
  process.env.WEBSOCKET_CALLBACK_URL = 'https://api.example.test/live';
});

import { MAX_CONNECTIONS_PER_OWNER, PROGRESS_PROTOCOL } from '../../../../client/protocol.js';
import { acceptConnection } from '../../../../lambdas/ws-connect/acceptConnection.js';
import { handler } from '../../../../lambdas/ws-connect/handler.js';
import { lambdaContext } from '../../support/lambdaContext.js';

const dynamo = mockClient(DynamoDBDocumentClient);
const management = mockClient(ApiGatewayManagementApiClient);
const counted = (count: number) => ({ Items: Array.from({ length: count }, (_, index) => ({ connectionId: `old-${index}` })) });
const NOW = new Date('2025-03-01T12:00:00.000Z');
const NOW_SECONDS = NOW.getTime() / 1000;
const CLIENT = { connectionId: 'conn-1', ownerId: 'owner-1', connectedAt: NOW.getTime() };

describe('acceptConnection', () => {
  beforeEach(() => {
    dynamo.reset();
    management.reset();
    dynamo.on(PutCommand).resolves({});
    dynamo.on(DeleteCommand).resolves({});
  });

  it('answers 200 choosing exactly media-pipeline.v1 as the subprotocol, never the bearer one, and counts the connection for its owner', async () => {
    dynamo.on(QueryCommand).resolves(counted(3));

    const response = await acceptConnection(CLIENT, MAX_CONNECTIONS_PER_OWNER, NOW);

    expect(response).toEqual({ statusCode: 200, headers: { 'Sec-WebSocket-Protocol': 'media-pipeline.v1' }, body: '' });
    expect(PROGRESS_PROTOCOL).toBe('media-pipeline.v1');
    expect(dynamo).toHaveReceivedCommandWith(QueryCommand, {
      TableName: 'connections-table',
      KeyConditionExpression: '#topic = :topic',
      FilterExpression: '#expiresAt > :now',
      ExpressionAttributeValues: { ':topic': 'connections#owner-1', ':now': NOW_SECONDS },
      ConsistentRead: true,
    });
    expect(management).not.toHaveReceivedAnyCommand();
    expect(dynamo).toHaveReceivedCommandExactlyOnceWith(PutCommand, {
      TableName: 'connections-table',
      Item: { topic: 'connections#owner-1', connectionId: 'conn-1', ownerId: 'owner-1', expiresAt: NOW_SECONDS + 2 * 3_600 + 600 },
    });
  });

  it(`refuses the ${MAX_CONNECTIONS_PER_OWNER + 1}st live connection of one user with 429, counting nothing`, async () => {
    dynamo.on(QueryCommand).resolves(counted(MAX_CONNECTIONS_PER_OWNER));
    management.on(GetConnectionCommand).resolves({});

    const response = await acceptConnection(CLIENT, MAX_CONNECTIONS_PER_OWNER, NOW);

    expect(response.statusCode).toBe(429);
    expect(JSON.parse(response.body)).toEqual({ message: 'At most 20 connections per user' });
    expect(management).toHaveReceivedCommandTimes(GetConnectionCommand, MAX_CONNECTIONS_PER_OWNER);
    expect(dynamo).not.toHaveReceivedCommand(PutCommand);
    expect(dynamo).not.toHaveReceivedCommand(DeleteCommand);
  });

  it('at the limit, stops counting the connections API Gateway no longer holds (a $disconnect that never ran) and lets the new one in', async () => {
    dynamo.on(QueryCommand).resolves(counted(MAX_CONNECTIONS_PER_OWNER));
    management.on(GetConnectionCommand).resolves({});
    management.on(GetConnectionCommand, { ConnectionId: 'old-7' }).rejects(new GoneException({ message: 'Gone', $metadata: {} }));

    const response = await acceptConnection(CLIENT, MAX_CONNECTIONS_PER_OWNER, NOW);

    expect(response.statusCode).toBe(200);
    expect(dynamo).toHaveReceivedCommandExactlyOnceWith(DeleteCommand, { TableName: 'connections-table', Key: { topic: 'connections#owner-1', connectionId: 'old-7' } });
    expect(dynamo).toHaveReceivedCommandExactlyOnceWith(PutCommand, { Item: expect.objectContaining({ connectionId: 'conn-1' }) });
  });

  it('takes the limit it is given (the stack sets it per deployment)', async () => {
    dynamo.on(QueryCommand).resolves(counted(2));
    management.on(GetConnectionCommand).resolves({});

    expect((await acceptConnection(CLIENT, 2, NOW)).statusCode).toBe(429);
    expect((await acceptConnection(CLIENT, 3, NOW)).statusCode).toBe(200);
  });

  it('is what the $connect handler answers to a connection that offered a bearer token too', async () => {
    dynamo.on(QueryCommand).resolves(counted(0));
    const event = {
      headers: { 'Sec-WebSocket-Protocol': 'media-pipeline.v1, bearer.eyJhbGciOiJSUzI1NiJ9.e30.c2ln' },
      requestContext: { connectionId: 'conn-1', connectedAt: NOW.getTime(), routeKey: '$connect', eventType: 'CONNECT', authorizer: { ownerId: 'owner-1', tokenExpiresAt: 1 } },
    };

    const response = await handler(event, lambdaContext());

    expect(response.headers).toEqual({ 'Sec-WebSocket-Protocol': 'media-pipeline.v1' });
    expect(JSON.stringify(response)).not.toContain('bearer');
  });

  it('fails a $connect that carries no authorizer context (the authorizer is not attached), counting nothing', async () => {
    await expect(handler({ requestContext: { connectionId: 'conn-1' } }, lambdaContext())).rejects.toThrow(/authorizer/);
    expect(dynamo).not.toHaveReceivedAnyCommand();
  });
});
