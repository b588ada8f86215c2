import { ApiGatewayManagementApiClient, GoneException, PostToConnectionCommand } from '@aws-sdk/client-apigatewaymanagementapi';
import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

vi.hoisted(() => {
  process.env.CONNECTIONS_TABLE = 'connections-table';
  process.env.WEBSOCKET_CALLBACK_URL = 'https://abc123.execute-api.eu-west-1.amazonaws.com/live';
});

import { handler } from '../../../../lambdas/publish-progress/handler.js';
import { logger } from '../../../../lambdas/shared/logger.js';
import type { UploadEvent } from '../../../../client/protocol.js';
import type { SubscriptionItem } from '../../../../lambdas/shared/progress/subscriptionKeys.js';
import type { UploadRecord } from '../../../../lambdas/shared/uploadRecord.js';
import { serveConnectionsTable } from '../../support/connectionsTable.js';
import { lambdaContext } from '../../support/lambdaContext.js';
import { uploadRecord } from '../../support/uploadRecord.js';

const dynamo = mockClient(DynamoDBDocumentClient);
const management = mockClient(ApiGatewayManagementApiClient);

const U1 = '11111111-1111-4111-8111-111111111111';
const U2 = '22222222-2222-4222-8222-222222222222';
const FAR_FUTURE = 4_102_444_800;

function subscription(connectionId: string, topic: string, ownerId = 'owner-1'): SubscriptionItem {
  return { topic, connectionId, ownerId, expiresAt: FAR_FUTURE, tokenExpiresAt: FAR_FUTURE };
}

let sequence = 100;

function streamRecord(eventName: 'INSERT' | 'MODIFY' | 'REMOVE', record: UploadRecord): DynamoDBRecord {
  sequence += 1;
  const image = marshall(record, { removeUndefinedValues: true }) as NonNullable<DynamoDBRecord['dynamodb']>['NewImage'];
  return {
    eventID: `e${sequence}`,
    eventName,
    eventSource: 'aws:dynamodb',
    dynamodb: {
      Keys: { uploadId: { S: record.uploadId } },
      SequenceNumber: String(sequence),
      StreamViewType: 'NEW_IMAGE',
      ...(eventName === 'REMOVE' ? {} : { NewImage: image }),
    },
  };
}

function write(uploadId: string, seq: number, overrides: Partial<UploadRecord> = {}): DynamoDBRecord {
  return streamRecord(seq === 1 ? 'INSERT' : 'MODIFY', uploadRecord({ uploadId, seq, updatedAt: `2025-03-01T12:00:0${seq}.000Z`, ...overrides }));
}

const publish = (records: DynamoDBRecord[]) => handler({ Records: records } as DynamoDBStreamEvent, lambdaContext());

/** Posts API Gateway accepted, in the order it accepted them. */
let delivered: { connectionId: string; event: UploadEvent }[];

/** The events each connection received, as `<first two characters of the upload id>:<seq>`, in the order they arrived. */
function postedSeqs(): Record<string, string[]> {
  const byConnection: Record<string, string[]> = {};
  for (const { connectionId, event } of delivered) (byConnection[connectionId] ??= []).push(`${event.uploadId.slice(0, 2)}:${event.seq}`);
  return byConnection;
}

describe('publishStreamRecords', () => {
  let table: SubscriptionItem[];

  beforeEach(() => {
    dynamo.reset();
    management.reset();
    table = [subscription('watcher-u1', `upload#${U1}`), subscription('watcher-u2', `upload#${U2}`), subscription('all-mine', 'owner#owner-1')];
    serveConnectionsTable(dynamo, table);
    delivered = [];
    // A post is accepted later the earlier its write: posted side by side, one upload's events would arrive backwards.
    management.on(PostToConnectionCommand).callsFake(async (input: { ConnectionId: string; Data: string }) => {
      const event = JSON.parse(input.Data) as UploadEvent;
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, 10 - event.seq)));
      delivered.push({ connectionId: input.ConnectionId, event });
      return {};
    });
    vi.spyOn(logger, 'error').mockImplementation(() => undefined);
    vi.spyOn(logger, 'warn').mockImplementation(() => undefined);
  });

  afterEach(() => {
    vi.restoreAllMocks();
  });

  it("posts every written record to its subscribers as an upload event, each upload's writes in stream order", async () => {
    const result = await publish([write(U1, 1), write(U1, 2, { bytesSent: 5 }), write(U2, 4, { status: 'uploaded' }), write(U1, 3, { bytesSent: 9 })]);

    expect(result).toEqual({ batchItemFailures: [] });
    expect(postedSeqs()).toEqual({
      'watcher-u1': ['11:1', '11:2', '11:3'],
      'watcher-u2': ['22:4'],
      'all-mine': expect.arrayContaining(['11:1', '11:2', '11:3', '22:4']),
    });
    expect(postedSeqs()['all-mine']?.filter((posted) => posted.startsWith('11:'))).toEqual(['11:1', '11:2', '11:3']);
    const first = JSON.parse(management.commandCalls(PostToConnectionCommand)[0]?.args[0].input.Data as string) as UploadEvent;
    expect(first).toMatchObject({ type: 'created', uploadId: U1, seq: 1, status: 'initiated', bytesSent: 0 });
  });

  it('skips removals: a deleted record has nobody left to tell', async () => {
    const result = await publish([streamRecord('REMOVE', uploadRecord({ uploadId: U1, status: 'cancelled', seq: 5 }))]);

    expect(result).toEqual({ batchItemFailures: [] });
    expect(dynamo).not.toHaveReceivedAnyCommand();
    expect(management).not.toHaveReceivedAnyCommand();
  });

  it("reports a write whose subscribers cannot be read, and every later write of that upload, as failures, while another upload's writes are posted", async () => {
    const throttled = new Error('Throughput exceeds the current capacity');
    let readsOfU1 = 0;
    dynamo.on(QueryCommand, { ExpressionAttributeValues: { ':topic': `upload#${U1}` } }).callsFake(async () => {
      readsOfU1 += 1;
      if (readsOfU1 === 2) throw throttled;
      return { Items: table.filter((item) => item.topic === `upload#${U1}`) };
    });
    const records = [write(U1, 1), write(U2, 2), write(U1, 2), write(U2, 3), write(U1, 3)];

    const result = await publish(records);

    expect(result).toEqual({
      batchItemFailures: [{ itemIdentifier: records[2]?.dynamodb?.SequenceNumber }, { itemIdentifier: records[4]?.dynamodb?.SequenceNumber }],
    });
    expect(postedSeqs()['watcher-u1']).toEqual(['11:1']);
    expect(postedSeqs()['watcher-u2']).toEqual(['22:2', '22:3']);
    expect(readsOfU1).toBe(2);
    expect(logger.error).toHaveBeenCalledWith(expect.stringContaining('Could not read the subscribers'), { uploadId: U1, seq: 2, error: throttled });
  });

  it('fails nothing when a post fails or a connection is gone: the write stands, and the next one carries the whole state', async () => {
    management.on(PostToConnectionCommand, { ConnectionId: 'watcher-u1' }).rejects(new GoneException({ message: 'Gone', $metadata: {} }));
    management.on(PostToConnectionCommand, { ConnectionId: 'all-mine' }).rejects(new Error('Internal server error'));

    const result = await publish([write(U1, 1), write(U1, 2)]);

    expect(result).toEqual({ batchItemFailures: [] });
    expect(table.map((item) => item.connectionId)).toEqual(['watcher-u2', 'all-mine']);
  });
});
