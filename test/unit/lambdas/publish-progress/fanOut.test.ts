import {
  ApiGatewayManagementApiClient,
  DeleteConnectionCommand,
  GoneException,
  PostToConnectionCommand,
} from '@aws-sdk/client-apigatewaymanagementapi';
import { DeleteCommand, DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

vi.hoisted(() => {
  process.env.CONNECTIONS_TABLE = 'connections-table';
  process.env.WEBSOCKET_CALLBACK_URL = 'https://abc123.execute-api.eu-west-1.amazonaws.com/live';
});

import { fanOut } from '../../../../lambdas/publish-progress/fanOut.js';
import { logger } from '../../../../lambdas/shared/logger.js';
import type { ServerMessage } from '../../../../client/protocol.js';
import type { SubscriptionItem } from '../../../../lambdas/shared/progress/subscriptionKeys.js';
import { uploadEvent } from '../../../../lambdas/shared/progress/uploadEvent.js';
import { serveConnectionsTable } from '../../support/connectionsTable.js';
import { FIXTURE_OWNER, FIXTURE_UPLOAD_ID, uploadRecord } from '../../support/uploadRecord.js';

const dynamo = mockClient(DynamoDBDocumentClient);
const management = mockClient(ApiGatewayManagementApiClient);

const NOW = new Date('2025-03-01T12:00:00.000Z');
const NOW_SECONDS = NOW.getTime() / 1000;
const UPLOAD_TOPIC = `upload#${FIXTURE_UPLOAD_ID}`;
const OWNER_TOPIC = `owner#${FIXTURE_OWNER}`;
const EVENT = uploadEvent(uploadRecord({ status: 'processing', stage: 'transcode', progress: 40, seq: 7 }));

function subscription(connectionId: string, topic: string, overrides: Partial<SubscriptionItem> = {}): SubscriptionItem {
  return { topic, connectionId, ownerId: FIXTURE_OWNER, expiresAt: NOW_SECONDS + 7_800, tokenExpiresAt: NOW_SECONDS + 3_600, ...overrides };
}

const gone = () => new GoneException({ message: 'Gone', $metadata: { httpStatusCode: 410 } });

/** What each connection was posted, in order. */
function posted(): Record<string, ServerMessage[]> {
  const byConnection: Record<string, ServerMessage[]> = {};
  for (const call of management.commandCalls(PostToConnectionCommand)) {
    const { ConnectionId, Data } = call.args[0].input;
    (byConnection[ConnectionId as string] ??= []).push(JSON.parse(Data as string) as ServerMessage);
  }
  return byConnection;
}

describe('fanOut', () => {
  let table: SubscriptionItem[];

  beforeEach(() => {
    dynamo.reset();
    management.reset();
    management.on(PostToConnectionCommand).resolves({});
    management.on(DeleteConnectionCommand).resolves({});
    table = [];
    serveConnectionsTable(dynamo, table);
    vi.spyOn(logger, 'warn').mockImplementation(() => undefined);
  });

  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('posts the event to every subscriber of the upload and of its owner', async () => {
    table.push(subscription('c1', UPLOAD_TOPIC), subscription('c2', OWNER_TOPIC));

    const report = await fanOut(EVENT, FIXTURE_OWNER, NOW);

    expect(report).toEqual({ sent: 2, gone: 0, expired: 0, failed: 0 });
    expect(posted()).toEqual({ c1: [EVENT], c2: [EVENT] });
    expect(dynamo).toHaveReceivedCommandWith(QueryCommand, { ExpressionAttributeValues: { ':topic': UPLOAD_TOPIC } });
    expect(dynamo).toHaveReceivedCommandWith(QueryCommand, { ExpressionAttributeValues: { ':topic': OWNER_TOPIC } });
  });

  it('removes the subscriptions of a connection API Gateway reports gone, posts to the others and leaves the record alone', async () => {
    table.push(
      subscription('c1', UPLOAD_TOPIC),
      subscription('left', UPLOAD_TOPIC),
      subscription('left', OWNER_TOPIC),
      subscription('left', `upload#another-upload`),
      subscription('c2', OWNER_TOPIC),
      subscription('c3', UPLOAD_TOPIC),
    );
    management.on(PostToConnectionCommand, { ConnectionId: 'left' }).rejects(gone());

    const report = await fanOut(EVENT, FIXTURE_OWNER, NOW);

    expect(report).toEqual({ sent: 3, gone: 1, expired: 0, failed: 0 });
    expect(posted()).toEqual({ c1: [EVENT], left: [EVENT], c2: [EVENT], c3: [EVENT] });
    expect(dynamo).toHaveReceivedCommandWith(QueryCommand, { IndexName: 'byConnection', ExpressionAttributeValues: { ':connectionId': 'left' } });
    // Its three subscriptions, and by key its subscription counter and its place in the owner's connection count.
    expect(dynamo).toHaveReceivedCommandTimes(DeleteCommand, 5);
    for (const topic of [UPLOAD_TOPIC, OWNER_TOPIC, 'upload#another-upload', 'connection#left', `connections#${FIXTURE_OWNER}`]) {
      expect(dynamo).toHaveReceivedCommandWith(DeleteCommand, { TableName: 'connections-table', Key: { topic, connectionId: 'left' } });
    }
    expect(table.map((item) => item.connectionId)).toEqual(['c1', 'c2', 'c3']);
    expect(management).not.toHaveReceivedCommand(DeleteConnectionCommand);
    expect(dynamo).not.toHaveReceivedCommand(GetCommand);
    expect(dynamo).not.toHaveReceivedCommand(PutCommand);
    expect(dynamo).not.toHaveReceivedCommand(UpdateCommand);
  });

  it('posts once to a connection subscribed to both the upload and its owner', async () => {
    table.push(subscription('c1', UPLOAD_TOPIC), subscription('c1', OWNER_TOPIC));

    const report = await fanOut(EVENT, FIXTURE_OWNER, NOW);

    expect(report.sent).toBe(1);
    expect(management).toHaveReceivedCommandTimes(PostToConnectionCommand, 1);
  });

  it('tells a subscriber whose token expired TOKEN_EXPIRED instead of the event, then closes it and removes its subscriptions', async () => {
    table.push(subscription('stale', OWNER_TOPIC, { tokenExpiresAt: NOW_SECONDS }), subscription('stale', UPLOAD_TOPIC, { tokenExpiresAt: NOW_SECONDS }));
    table.push(subscription('fresh', UPLOAD_TOPIC));

    const report = await fanOut(EVENT, FIXTURE_OWNER, NOW);

    expect(report).toEqual({ sent: 1, gone: 0, expired: 1, failed: 0 });
    expect(posted().stale).toEqual([{ type: 'error', error: { code: 'TOKEN_EXPIRED', message: expect.any(String) } }]);
    expect(management).toHaveReceivedCommandExactlyOnceWith(DeleteConnectionCommand, { ConnectionId: 'stale' });
    const order = management.calls().map((call) => [call.args[0].constructor.name, (call.args[0].input as { ConnectionId: string }).ConnectionId]);
    expect(order.filter(([, connectionId]) => connectionId === 'stale')).toEqual([
      ['PostToConnectionCommand', 'stale'],
      ['DeleteConnectionCommand', 'stale'],
    ]);
    expect(table.map((item) => item.connectionId)).toEqual(['fresh']);
  });

  it('logs a post that fails otherwise, keeps the subscription and still posts to the others, without throwing', async () => {
    table.push(subscription('c1', UPLOAD_TOPIC), subscription('throttled', UPLOAD_TOPIC), subscription('c2', OWNER_TOPIC));
    const throttled = Object.assign(new Error('Rate exceeded'), { name: 'LimitExceededException' });
    management.on(PostToConnectionCommand, { ConnectionId: 'throttled' }).rejects(throttled);

    const report = await fanOut(EVENT, FIXTURE_OWNER, NOW);

    expect(report).toEqual({ sent: 2, gone: 0, expired: 0, failed: 1 });
    expect(Object.keys(posted())).toEqual(['c1', 'throttled', 'c2']);
    expect(logger.warn).toHaveBeenCalledWith(expect.stringContaining('Could not post an upload event'), {
      uploadId: FIXTURE_UPLOAD_ID,
      seq: 7,
      connectionId: 'throttled',
      error: throttled,
    });
    expect(dynamo).not.toHaveReceivedCommand(DeleteCommand);
  });

  it('does not post to a subscription past its expiry that TTL has not removed yet', async () => {
    table.push(subscription('old', UPLOAD_TOPIC, { expiresAt: NOW_SECONDS - 1 }), subscription('c1', OWNER_TOPIC));

    const report = await fanOut(EVENT, FIXTURE_OWNER, NOW);

    expect(report.sent).toBe(1);
    expect(Object.keys(posted())).toEqual(['c1']);
  });

  it("does not post another owner's subscription to the upload topic", async () => {
    table.push(subscription('stranger', UPLOAD_TOPIC, { ownerId: 'owner-2' }));

    await expect(fanOut(EVENT, FIXTURE_OWNER, NOW)).resolves.toEqual({ sent: 0, gone: 0, expired: 0, failed: 0 });
    expect(management).not.toHaveReceivedAnyCommand();
  });

  it('serves more subscribers than it posts at once, each exactly once', async () => {
    for (let index = 0; index < 150; index += 1) table.push(subscription(`c${index}`, index % 2 === 0 ? UPLOAD_TOPIC : OWNER_TOPIC));

    const report = await fanOut(EVENT, FIXTURE_OWNER, NOW);

    expect(report.sent).toBe(150);
    expect(new Set(management.commandCalls(PostToConnectionCommand).map((call) => call.args[0].input.ConnectionId)).size).toBe(150);
  });

  it('throws when the subscribers cannot be read, having posted nothing', async () => {
    const throttled = new Error('Throughput exceeds the current capacity');
    dynamo.on(QueryCommand, { ExpressionAttributeValues: { ':topic': OWNER_TOPIC } }).rejects(throttled);
    table.push(subscription('c1', UPLOAD_TOPIC));

    await expect(fanOut(EVENT, FIXTURE_OWNER, NOW)).rejects.toBe(throttled);
    expect(management).not.toHaveReceivedAnyCommand();
  });
});
