import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, DeleteCommand, DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it, vi } from 'vitest';

vi.hoisted(() => {
  process.env.UPLOADS_TABLE = 'uploads-table';
  process.env.USAGE_TABLE = 'usage-table';
  process.env.CONNECTIONS_TABLE = 'connections-table';
});

import { WEBSOCKET_LIMITS } from '../../../../client/protocol.js';
import { uploadEvent } from '../../../../lambdas/shared/progress/uploadEvent.js';
import type { UploadRecord } from '../../../../lambdas/shared/uploadRecord.js';
import type { ConnectionIdentity } from '../../../../lambdas/ws-message/connectionIdentity.js';
import { handleClientMessage } from '../../../../lambdas/ws-message/handleClientMessage.js';
import { FIXTURE_OWNER, FIXTURE_UPLOAD_ID, uploadRecord } from '../../support/uploadRecord.js';

const dynamo = mockClient(DynamoDBDocumentClient);

const NOW = new Date('2025-03-01T12:00:00.000Z');
const NOW_SECONDS = NOW.getTime() / 1000;
const IDENTITY: ConnectionIdentity = { connectionId: 'conn-1', ownerId: FIXTURE_OWNER, tokenExpiresAt: NOW_SECONDS + 3_600 };
const UPLOAD_TOPIC = `upload#${FIXTURE_UPLOAD_ID}`;
const OWNER_TOPIC = `owner#${FIXTURE_OWNER}`;
const SIZE = 20 * 1024 * 1024 + 5;

function stored(overrides: Partial<UploadRecord> = {}): UploadRecord {
  return uploadRecord({ seq: 3, writeId: 'write-3', updatedAt: '2025-03-01T11:59:50.000Z', ...overrides });
}

const send = (message: unknown, identity = IDENTITY) => handleClientMessage(identity, typeof message === 'string' ? message : JSON.stringify(message), NOW);

/** The commands sent, by name, in order. */
const commandOrder = () => dynamo.calls().map((call) => call.args[0].constructor.name);

/**
 * The topics the connection holds: each one's item answers a GetCommand on the Connections
 * table, and the connection's slot counter (a conditional UpdateCommand) is full at 50.
 */
function holding(topics: string[]): void {
  const conditionFailed = () => new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} });
  dynamo.on(UpdateCommand, { TableName: 'connections-table' }).callsFake(async (input: { Key: { topic: string }; UpdateExpression: string }) => {
    if (input.Key.topic.startsWith('connection#')) {
      if (input.UpdateExpression.includes(':one') && topics.length >= 50) throw conditionFailed();
      return {};
    }
    // A renewal: only of a subscription the connection holds.
    if (!topics.includes(input.Key.topic)) throw conditionFailed();
    return {};
  });
}

/** The kinds of write to the Connections table, in order: renew, slot, create, slot back. */
const connectionWrites = () =>
  dynamo.calls().flatMap((call) => {
    const input = call.args[0].input as { TableName?: string; Key?: { topic: string }; UpdateExpression?: string };
    if (input.TableName !== 'connections-table') return [];
    if (call.args[0] instanceof PutCommand) return ['create'];
    if (!input.Key?.topic.startsWith('connection#')) return ['renew'];
    return [input.UpdateExpression?.includes(':minusOne') ? 'slot back' : 'slot'];
  });

function expectNoSubscriptionStored(): void {
  expect(dynamo).not.toHaveReceivedCommand(PutCommand);
  expect(dynamo).not.toHaveReceivedCommand(DeleteCommand);
}

function expectNothingWritten(): void {
  expect(dynamo).not.toHaveReceivedCommand(PutCommand);
  expect(dynamo).not.toHaveReceivedCommand(UpdateCommand);
  expect(dynamo).not.toHaveReceivedCommand(DeleteCommand);
}

describe('handleClientMessage', () => {
  beforeEach(() => {
    dynamo.reset();
    dynamo.on(PutCommand).resolves({});
    dynamo.on(DeleteCommand).resolves({});
  });

  describe('refuses what it cannot read with INVALID_MESSAGE, writing nothing', () => {
    it.each([
      ['text that is not JSON', 'subscribe me'],
      ['no body', undefined],
      ['JSON that is not an object', '[1,2]'],
      ['an unknown action', { action: 'delete', uploadId: FIXTURE_UPLOAD_ID }],
      ['no action', { uploadId: FIXTURE_UPLOAD_ID }],
      ['a subscribe whose uploadId is not a string', { action: 'subscribe', uploadId: 42 }],
      ['a progress without uploadId', { action: 'progress', bytesSent: 10 }],
    ])('%s', async (_case, body) => {
      const outcome = await handleClientMessage(IDENTITY, body === undefined || typeof body === 'string' ? body : JSON.stringify(body), NOW);

      expect(outcome).toEqual({ replies: [{ type: 'error', error: { code: 'INVALID_MESSAGE', message: expect.any(String) } }], close: false });
      expect(dynamo).not.toHaveReceivedAnyCommand();
    });

    it('naming the actions it knows', async () => {
      const outcome = await send({ action: 'delete' });

      expect(outcome.replies[0]).toMatchObject({ error: { message: 'Unknown action "delete": expected one of subscribe, unsubscribe, progress, ping' } });
    });
  });

  it('answers ping with pong, reading nothing', async () => {
    await expect(send({ action: 'ping' })).resolves.toEqual({ replies: [{ type: 'pong' }], close: false });
    expect(dynamo).not.toHaveReceivedAnyCommand();
  });

  describe('on a connection whose token has expired', () => {
    const expired = { ...IDENTITY, tokenExpiresAt: NOW_SECONDS };

    it.each([
      ['subscribe', { action: 'subscribe', uploadId: FIXTURE_UPLOAD_ID }],
      ['progress', { action: 'progress', uploadId: FIXTURE_UPLOAD_ID, bytesSent: 10 }],
      ['ping', { action: 'ping' }],
      ['a message it cannot read', 'not json'],
    ])('answers %s with TOKEN_EXPIRED and closes, doing nothing else', async (_case, message) => {
      const outcome = await send(message, expired);

      expect(outcome).toEqual({ replies: [{ type: 'error', error: { code: 'TOKEN_EXPIRED', message: expect.any(String) } }], close: true });
      expect(dynamo).not.toHaveReceivedAnyCommand();
    });
  });

  describe('subscribe to one upload', () => {
    it('stores the subscription, then reads the record and answers its state, then subscribed', async () => {
      holding([]);
      dynamo.on(GetCommand, { TableName: 'uploads-table' }).resolvesOnce({ Item: stored() }).resolves({ Item: stored({ seq: 4, bytesSent: 100 }) });

      const outcome = await send({ action: 'subscribe', uploadId: FIXTURE_UPLOAD_ID });

      expect(outcome).toEqual({
        replies: [uploadEvent(stored({ seq: 4, bytesSent: 100 })), { type: 'subscribed', uploadId: FIXTURE_UPLOAD_ID }],
        close: false,
      });
      expect(commandOrder()).toEqual(['GetCommand', 'UpdateCommand', 'UpdateCommand', 'PutCommand', 'GetCommand']);
      expect(connectionWrites()).toEqual(['renew', 'slot', 'create']);
      expect(dynamo).toHaveReceivedCommandWith(UpdateCommand, {
        TableName: 'connections-table',
        Key: { topic: 'connection#conn-1', connectionId: 'conn-1' },
        UpdateExpression: 'SET #owner = :owner, #expiresAt = :expiresAt ADD #count :one',
        ConditionExpression: 'attribute_not_exists(#count) OR #count < :max',
        ExpressionAttributeValues: expect.objectContaining({ ':max': 50 }),
      });
      expect(dynamo).toHaveReceivedCommandExactlyOnceWith(PutCommand, {
        TableName: 'connections-table',
        ConditionExpression: 'attribute_not_exists(#topic)',
        Item: {
          topic: UPLOAD_TOPIC,
          connectionId: 'conn-1',
          ownerId: FIXTURE_OWNER,
          expiresAt: NOW_SECONDS + 2 * 3_600 + 600,
          tokenExpiresAt: NOW_SECONDS + 3_600,
        },
      });
      expect(dynamo).toHaveReceivedNthCommandWith(GetCommand, 2, { TableName: 'uploads-table', Key: { uploadId: FIXTURE_UPLOAD_ID }, ConsistentRead: true });
    });

    it.each([
      ["another owner's upload", { Item: stored({ ownerId: 'owner-2' }) }],
      ['an upload that does not exist', {}],
    ])('answers NOT_FOUND for %s, storing nothing', async (_case, answer) => {
      holding([]);
      dynamo.on(GetCommand, { TableName: 'uploads-table' }).resolves(answer);

      const outcome = await send({ action: 'subscribe', uploadId: FIXTURE_UPLOAD_ID });

      expect(outcome.replies).toEqual([
        { type: 'error', action: 'subscribe', uploadId: FIXTURE_UPLOAD_ID, error: { code: 'NOT_FOUND', message: `Upload "${FIXTURE_UPLOAD_ID}" was not found` } },
      ]);
      expectNothingWritten();
    });

    it.each(['../uploads', FIXTURE_UPLOAD_ID.toUpperCase(), '', 'owner#owner-1'])('answers NOT_FOUND for the malformed id %j without reading a table', async (uploadId) => {
      const outcome = await send({ action: 'subscribe', uploadId });

      expect(outcome.replies).toEqual([{ type: 'error', action: 'subscribe', uploadId, error: { code: 'NOT_FOUND', message: expect.any(String) } }]);
      expect(dynamo).not.toHaveReceivedAnyCommand();
    });

    it('refuses a 51st subscription with TOO_MANY_SUBSCRIPTIONS, storing nothing', async () => {
      holding(Array.from({ length: 50 }, (_, index) => `upload#other-${index}`));
      dynamo.on(GetCommand, { TableName: 'uploads-table' }).resolves({ Item: stored() });

      const outcome = await send({ action: 'subscribe', uploadId: FIXTURE_UPLOAD_ID });

      expect(outcome.replies).toEqual([
        {
          type: 'error',
          action: 'subscribe',
          uploadId: FIXTURE_UPLOAD_ID,
          error: { code: 'TOO_MANY_SUBSCRIPTIONS', message: 'A connection may hold at most 50 subscriptions' },
        },
      ]);
      expectNoSubscriptionStored();
    });

    it('takes a 50th subscription', async () => {
      holding(Array.from({ length: 49 }, (_, index) => `upload#other-${index}`));
      dynamo.on(GetCommand, { TableName: 'uploads-table' }).resolves({ Item: stored() });

      const outcome = await send({ action: 'subscribe', uploadId: FIXTURE_UPLOAD_ID });

      expect(outcome.replies.at(-1)).toEqual({ type: 'subscribed', uploadId: FIXTURE_UPLOAD_ID });
      expect(dynamo).toHaveReceivedCommandTimes(PutCommand, 1);
    });

    it('renews a subscription the connection already holds, even at the limit', async () => {
      holding([...Array.from({ length: 49 }, (_, index) => `upload#other-${index}`), UPLOAD_TOPIC]);
      dynamo.on(GetCommand, { TableName: 'uploads-table' }).resolves({ Item: stored() });

      const outcome = await send({ action: 'subscribe', uploadId: FIXTURE_UPLOAD_ID });

      expect(outcome.replies).toEqual([uploadEvent(stored()), { type: 'subscribed', uploadId: FIXTURE_UPLOAD_ID }]);
      expect(connectionWrites()).toEqual(['renew']);
    });

    it('gives the slot back when storing the subscription fails, and answers nothing of it', async () => {
      holding([]);
      dynamo.on(GetCommand, { TableName: 'uploads-table' }).resolves({ Item: stored() });
      dynamo.on(PutCommand).rejects(new Error('ProvisionedThroughputExceededException'));

      await expect(send({ action: 'subscribe', uploadId: FIXTURE_UPLOAD_ID })).rejects.toThrow('ProvisionedThroughputExceededException');
      expect(connectionWrites()).toEqual(['renew', 'slot', 'create', 'slot back']);
    });

    it('gives the slot back when another message of the connection created the subscription meanwhile', async () => {
      holding([]);
      dynamo.on(GetCommand, { TableName: 'uploads-table' }).resolves({ Item: stored() });
      dynamo.on(PutCommand).rejects(new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} }));

      const outcome = await send({ action: 'subscribe', uploadId: FIXTURE_UPLOAD_ID });

      expect(outcome.replies.at(-1)).toEqual({ type: 'subscribed', uploadId: FIXTURE_UPLOAD_ID });
      expect(connectionWrites()).toEqual(['renew', 'slot', 'create', 'slot back']);
    });

    it('answers NOT_FOUND when the upload is deleted between the check and the snapshot', async () => {
      holding([]);
      dynamo.on(GetCommand, { TableName: 'uploads-table' }).resolvesOnce({ Item: stored() }).resolves({});

      const outcome = await send({ action: 'subscribe', uploadId: FIXTURE_UPLOAD_ID });

      expect(outcome.replies).toEqual([expect.objectContaining({ type: 'error', error: expect.objectContaining({ code: 'NOT_FOUND' }) })]);
    });
  });

  describe('subscribe to all of my uploads', () => {
    const newest = stored({ uploadId: '33333333-3333-4333-8333-333333333333', createdAt: '2025-03-01T11:59:00.000Z', status: 'processing', stage: 'transcode', progress: 20 });
    const older = stored({ uploadId: '22222222-2222-4222-8222-222222222222', createdAt: '2025-03-01T11:00:00.000Z', status: 'initiated', bytesSent: 9 });

    it('stores the owner subscription, then answers the unfinished uploads newest first, then subscribed', async () => {
      holding([]);
      dynamo.on(QueryCommand, { IndexName: 'byUnfinishedOwner' }).resolves({ Items: [{ uploadId: newest.uploadId }, { uploadId: older.uploadId }] });
      dynamo.on(BatchGetCommand).resolves({ Responses: { 'uploads-table': [older, newest] } });

      const outcome = await send({ action: 'subscribe' });

      expect(outcome.replies).toEqual([uploadEvent(newest), uploadEvent(older), { type: 'subscribed' }]);
      expect(commandOrder()).toEqual(['UpdateCommand', 'UpdateCommand', 'PutCommand', 'QueryCommand', 'BatchGetCommand']);
      expect(dynamo).toHaveReceivedCommandWith(PutCommand, { Item: expect.objectContaining({ topic: OWNER_TOPIC, connectionId: 'conn-1' }) });
      expect(dynamo).toHaveReceivedCommandWith(QueryCommand, {
        TableName: 'uploads-table',
        IndexName: 'byUnfinishedOwner',
        ExpressionAttributeValues: expect.objectContaining({ ':ownerId': FIXTURE_OWNER }),
        ScanIndexForward: false,
      });
      expect(dynamo.commandCalls(GetCommand, { TableName: 'uploads-table' })).toHaveLength(0);
    });

    it('refuses it as a 51st subscription too, without the uploadId', async () => {
      holding(Array.from({ length: 50 }, (_, index) => `upload#other-${index}`));

      const outcome = await send({ action: 'subscribe' });

      expect(outcome.replies).toEqual([{ type: 'error', action: 'subscribe', error: expect.objectContaining({ code: 'TOO_MANY_SUBSCRIPTIONS' }) }]);
      expectNoSubscriptionStored();
    });
  });

  describe('unsubscribe', () => {
    it('gives the slot of a subscription it removed back, once', async () => {
      dynamo.on(DeleteCommand).resolvesOnce({ Attributes: { topic: UPLOAD_TOPIC, connectionId: 'conn-1' } }).resolves({});
      dynamo.on(UpdateCommand).resolves({});

      await send({ action: 'unsubscribe', uploadId: FIXTURE_UPLOAD_ID });
      await send({ action: 'unsubscribe', uploadId: FIXTURE_UPLOAD_ID });

      expect(dynamo).toHaveReceivedCommandExactlyOnceWith(UpdateCommand, {
        TableName: 'connections-table',
        Key: { topic: 'connection#conn-1', connectionId: 'conn-1' },
        UpdateExpression: 'ADD #count :minusOne',
        ConditionExpression: '#count > :zero',
      });
    });

    it('removes the subscription to one upload', async () => {
      await expect(send({ action: 'unsubscribe', uploadId: FIXTURE_UPLOAD_ID })).resolves.toEqual({
        replies: [{ type: 'unsubscribed', uploadId: FIXTURE_UPLOAD_ID }],
        close: false,
      });
      expect(dynamo).toHaveReceivedCommandExactlyOnceWith(DeleteCommand, { TableName: 'connections-table', Key: { topic: UPLOAD_TOPIC, connectionId: 'conn-1' } });
    });

    it('removes the subscription to all of my uploads when no id is given', async () => {
      await expect(send({ action: 'unsubscribe' })).resolves.toEqual({ replies: [{ type: 'unsubscribed' }], close: false });
      expect(dynamo).toHaveReceivedCommandExactlyOnceWith(DeleteCommand, { Key: { topic: OWNER_TOPIC, connectionId: 'conn-1' } });
    });

    it('answers a malformed id as unsubscribed, deleting nothing (it cannot have been subscribed)', async () => {
      await expect(send({ action: 'unsubscribe', uploadId: 'owner#owner-2' })).resolves.toMatchObject({ replies: [{ type: 'unsubscribed' }] });
      expect(dynamo).not.toHaveReceivedAnyCommand();
    });
  });

  describe('progress', () => {
    const progress = (bytesSent: unknown) => send({ action: 'progress', uploadId: FIXTURE_UPLOAD_ID, bytesSent });

    it.each([1.5, -1, '100', null, true, 2 ** 53, [10]])('refuses bytesSent %j with INVALID_PROGRESS, writing nothing', async (bytesSent) => {
      dynamo.on(GetCommand, { TableName: 'uploads-table' }).resolves({ Item: stored() });

      const outcome = await progress(bytesSent);

      expect(outcome.replies).toEqual([
        { type: 'error', action: 'progress', uploadId: FIXTURE_UPLOAD_ID, error: { code: 'INVALID_PROGRESS', message: expect.stringContaining('bytesSent') } },
      ]);
      expectNothingWritten();
    });

    it('refuses bytesSent above the size of the upload with INVALID_PROGRESS, writing nothing', async () => {
      dynamo.on(GetCommand, { TableName: 'uploads-table' }).resolves({ Item: stored() });

      const outcome = await progress(SIZE + 1);

      expect(outcome.replies).toEqual([
        {
          type: 'error',
          action: 'progress',
          uploadId: FIXTURE_UPLOAD_ID,
          error: { code: 'INVALID_PROGRESS', message: `bytesSent ${SIZE + 1} is more than the upload's ${SIZE} bytes` },
        },
      ]);
      expectNothingWritten();
    });

    it.each([
      ['lower than the last', stored({ bytesSent: 5_000 }), 4_000],
      ['equal to the last', stored({ bytesSent: 5_000 }), 5_000],
      ['within a second of the last', stored({ bytesSent: 5_000, updatedAt: '2025-03-01T11:59:59.500Z' }), 6_000],
      ['for an upload already uploaded', stored({ status: 'uploaded' }), 6_000],
      ['for an upload already cancelled', stored({ status: 'cancelled' }), 6_000],
    ])('drops a report %s without an answer or a write', async (_case, record, bytesSent) => {
      dynamo.on(GetCommand, { TableName: 'uploads-table' }).resolves({ Item: record });

      await expect(progress(bytesSent)).resolves.toEqual({ replies: [], close: false });
      expectNothingWritten();
    });

    it("answers NOT_FOUND for another owner's upload, writing nothing", async () => {
      dynamo.on(GetCommand, { TableName: 'uploads-table' }).resolves({ Item: stored({ ownerId: 'owner-2' }) });

      const outcome = await progress(10);

      expect(outcome.replies).toEqual([expect.objectContaining({ action: 'progress', error: expect.objectContaining({ code: 'NOT_FOUND' }) })]);
      expectNothingWritten();
    });

    it('keeps a good report with one update through transition, over the write it was decided from, and answers nothing', async () => {
      dynamo.on(GetCommand, { TableName: 'uploads-table' }).resolves({ Item: stored({ bytesSent: 5_000, updatedAt: '2025-03-01T11:59:58.000Z' }) });
      dynamo.on(UpdateCommand).resolves({ Attributes: stored({ bytesSent: 6_000, seq: 4 }) });

      await expect(progress(6_000)).resolves.toEqual({ replies: [], close: false });

      expect(dynamo).toHaveReceivedCommandExactlyOnceWith(UpdateCommand, {
        TableName: 'uploads-table',
        Key: { uploadId: FIXTURE_UPLOAD_ID },
        UpdateExpression: 'SET #previousStatus = #status, #status = :to, #updatedAt = :now, #writeId = :writeId, #p0 = :p0 REMOVE #pendingProcessing ADD #seq :one',
        ConditionExpression: '#status IN (:from0) AND #ownerId = :ownerId AND #writeId = :ifWriteId',
        ExpressionAttributeValues: {
          ':to': 'initiated',
          ':from0': 'initiated',
          ':now': NOW.toISOString(),
          ':writeId': expect.any(String),
          ':one': 1,
          ':p0': 6_000,
          ':ownerId': FIXTURE_OWNER,
          ':ifWriteId': 'write-3',
        },
      });
    });

    it('keeps the first report of an upload however recently it was created', async () => {
      dynamo.on(GetCommand, { TableName: 'uploads-table' }).resolves({ Item: stored({ updatedAt: NOW.toISOString() }) });
      dynamo.on(UpdateCommand).resolves({ Attributes: stored({ bytesSent: 0, seq: 4 }) });

      await progress(0);

      expect(dynamo).toHaveReceivedCommandTimes(UpdateCommand, 1);
    });

    it('drops a report silently when another write (a complete, a cancel, a later report) won the race', async () => {
      dynamo.on(GetCommand, { TableName: 'uploads-table' }).resolvesOnce({ Item: stored() }).resolves({ Item: stored({ status: 'uploaded', writeId: 'write-4' }) });
      dynamo.on(UpdateCommand).rejects(new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} }));

      await expect(progress(6_000)).resolves.toEqual({ replies: [], close: false });
    });

    it('lets any other failure of the write through, for the handler to answer', async () => {
      const throttled = new Error('Rate exceeded');
      dynamo.on(GetCommand, { TableName: 'uploads-table' }).resolves({ Item: stored() });
      dynamo.on(UpdateCommand).rejects(throttled);

      await expect(progress(6_000)).rejects.toBe(throttled);
    });
  });

  describe('a hostile message as large as a client may send', () => {
    // Quotes cost two bytes in the client's JSON and four once a reply quotes them inside a string of its own.
    const huge = '"'.repeat(Math.floor((WEBSOCKET_LIMITS.maxMessageBytes - 100) / 2));

    it.each([
      ['an unknown action', { action: huge }],
      ['a subscribe to a malformed id', { action: 'subscribe', uploadId: huge }],
      ['an unsubscribe from a malformed id', { action: 'unsubscribe', uploadId: huge }],
      ['a progress report on a malformed id', { action: 'progress', uploadId: huge, bytesSent: 1 }],
      ['a progress report with a malformed count', { action: 'progress', uploadId: FIXTURE_UPLOAD_ID, bytesSent: huge }],
    ])('is refused by %s with a reply far below the 32 KB frame, reading nothing', async (_case, message) => {
      const body = JSON.stringify(message);
      expect(Buffer.byteLength(body)).toBeLessThanOrEqual(WEBSOCKET_LIMITS.maxMessageBytes);

      const outcome = await send(body);

      expect(outcome.replies).toHaveLength(1);
      expect(Buffer.byteLength(JSON.stringify(outcome.replies[0]))).toBeLessThan(1_024);
      expect(dynamo).not.toHaveReceivedAnyCommand();
    });
  });
});
