import {
  ApiGatewayManagementApiClient,
  DeleteConnectionCommand,
  GoneException,
  PostToConnectionCommand,
} from '@aws-sdk/client-apigatewaymanagementapi';
import { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

vi.hoisted(() => {
  process.env.UPLOADS_TABLE = 'uploads-table';
  process.env.USAGE_TABLE = 'usage-table';
  process.env.CONNECTIONS_TABLE = 'connections-table';
  process.env.WEBSOCKET_CALLBACK_URL = 'https://abc123.execute-api.eu-west-1.amazonaws.com/live';
});

import { logger } from '../../../../lambdas/shared/logger.js';
import type { ServerMessage } from '../../../../client/protocol.js';
import { handler } from '../../../../lambdas/ws-message/handler.js';
import { lambdaContext } from '../../support/lambdaContext.js';
import { FIXTURE_OWNER, FIXTURE_UPLOAD_ID, uploadRecord } from '../../support/uploadRecord.js';

const dynamo = mockClient(DynamoDBDocumentClient);
const management = mockClient(ApiGatewayManagementApiClient);

const inAnHour = () => Math.floor(Date.now() / 1000) + 3_600;

/** A `$default` message; `authorizer: null` leaves the authorizer context out. */
function messageEvent(body: unknown, authorizer: Record<string, unknown> | null = { ownerId: FIXTURE_OWNER, tokenExpiresAt: inAnHour() }) {
  return {
    body: typeof body === 'string' ? body : JSON.stringify(body),
    isBase64Encoded: false,
    requestContext: { connectionId: 'conn-1', routeKey: '$default', eventType: 'MESSAGE', ...(authorizer ? { authorizer } : {}) },
  } as unknown as Parameters<typeof handler>[0];
}

/** The messages posted back to the connection, in order. */
const posted = () => management.commandCalls(PostToConnectionCommand).map((call) => JSON.parse(call.args[0].input.Data as string) as ServerMessage);

describe('ws-message handler', () => {
  beforeEach(() => {
    dynamo.reset();
    management.reset();
    management.on(PostToConnectionCommand).resolves({});
    management.on(DeleteConnectionCommand).resolves({});
    vi.spyOn(logger, 'error').mockImplementation(() => undefined);
  });

  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('posts the replies back to the connection, in order, and answers 200', async () => {
    dynamo.on(GetCommand).resolves({ Item: uploadRecord({ seq: 2 }) });
    dynamo.on(QueryCommand).resolves({ Items: [] });
    dynamo.on(PutCommand).resolves({});

    const response = await handler(messageEvent({ action: 'subscribe', uploadId: FIXTURE_UPLOAD_ID }), lambdaContext());

    expect(response).toEqual({ statusCode: 200, body: '' });
    expect(posted()).toEqual([expect.objectContaining({ type: 'created', seq: 2 }), { type: 'subscribed', uploadId: FIXTURE_UPLOAD_ID }]);
    for (const call of management.commandCalls(PostToConnectionCommand)) expect(call.args[0].input.ConnectionId).toBe('conn-1');
    expect(management).not.toHaveReceivedCommand(DeleteConnectionCommand);
  });

  it('reads the authorizer context whether its values come as numbers or as text', async () => {
    await handler(messageEvent({ action: 'ping' }, { ownerId: FIXTURE_OWNER, tokenExpiresAt: String(inAnHour()) }), lambdaContext());

    expect(posted()).toEqual([{ type: 'pong' }]);
  });

  it('tells a connection whose token expired TOKEN_EXPIRED, then closes it', async () => {
    await handler(messageEvent({ action: 'ping' }, { ownerId: FIXTURE_OWNER, tokenExpiresAt: Math.floor(Date.now() / 1000) - 1 }), lambdaContext());

    expect(posted()).toEqual([{ type: 'error', error: { code: 'TOKEN_EXPIRED', message: expect.any(String) } }]);
    expect(management).toHaveReceivedCommandExactlyOnceWith(DeleteConnectionCommand, { ConnectionId: 'conn-1' });
    expect(management.calls().map((call) => call.args[0].constructor.name)).toEqual(['PostToConnectionCommand', 'DeleteConnectionCommand']);
    expect(dynamo).not.toHaveReceivedAnyCommand();
  });

  it('answers an unexpected fault with INTERNAL_ERROR, logging it but telling the client nothing of it', async () => {
    const fault = new Error('User: arn:aws:sts::123456789012:assumed-role/ws-message is not authorized to perform: dynamodb:GetItem on uploads-table');
    dynamo.on(GetCommand).rejects(fault);

    const response = await handler(messageEvent({ action: 'subscribe', uploadId: FIXTURE_UPLOAD_ID }), lambdaContext());

    expect(response.statusCode).toBe(200);
    expect(posted()).toEqual([
      { type: 'error', action: 'subscribe', uploadId: expect.any(String), error: { code: 'INTERNAL_ERROR', message: 'The message could not be handled; try again' } },
    ]);
    const data = management.commandCalls(PostToConnectionCommand)[0]?.args[0].input.Data as string;
    for (const internal of ['arn:aws', 'uploads-table', 'GetItem', 'not authorized']) expect(data).not.toContain(internal);
    expect(logger.error).toHaveBeenCalledWith('A client message failed', { connectionId: 'conn-1', error: fault });
  });

  it('stops posting replies once the connection is gone', async () => {
    dynamo.on(GetCommand).resolves({ Item: uploadRecord() });
    dynamo.on(QueryCommand).resolves({ Items: [] });
    dynamo.on(PutCommand).resolves({});
    management.on(PostToConnectionCommand).rejects(new GoneException({ message: 'Gone', $metadata: {} }));

    await expect(handler(messageEvent({ action: 'subscribe', uploadId: FIXTURE_UPLOAD_ID }), lambdaContext())).resolves.toEqual({ statusCode: 200, body: '' });
    expect(management).toHaveReceivedCommandTimes(PostToConnectionCommand, 1);
  });

  it('fails, posting nothing, on a message without authorizer context (the authorizer is not attached to $connect)', async () => {
    await expect(handler(messageEvent({ action: 'ping' }, null), lambdaContext())).rejects.toThrow('no authorizer context');
    expect(management).not.toHaveReceivedAnyCommand();
  });
});
