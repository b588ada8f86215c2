import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it, vi } from 'vitest';

vi.hoisted(() => {
  process.env.EVENT_BUS_NAME = 'media-pipeline-events';
});

import { handler } from '../../../../lambdas/publish-events/handler.js';
import { logger } from '../../../../lambdas/shared/logger.js';
import type { UploadRecord } from '../../../../lambdas/shared/uploadRecord.js';
import { lambdaContext } from '../../support/lambdaContext.js';
import { uploadRecord } from '../../support/uploadRecord.js';

const eventBridge = mockClient(EventBridgeClient);

let sequence = 100;

function streamRecord(record: UploadRecord, eventName: 'INSERT' | 'MODIFY' | 'REMOVE' = 'MODIFY'): DynamoDBRecord {
  sequence += 1;
  return {
    eventID: `e${sequence}`,
    eventName,
    eventSource: 'aws:dynamodb',
    dynamodb: {
      Keys: { uploadId: { S: record.uploadId } },
      SequenceNumber: String(sequence),
      StreamViewType: 'NEW_IMAGE',
      ...(eventName === 'REMOVE' ? {} : { NewImage: marshall(record, { removeUndefinedValues: true }) as never }),
    },
  };
}

const publish = (records: DynamoDBRecord[]) => handler({ Records: records } as DynamoDBStreamEvent, lambdaContext());

/** The detail types put, in order, over every PutEvents call. */
function putTypes(): string[] {
  return eventBridge.commandCalls(PutEventsCommand).flatMap((call) => (call.args[0].input.Entries ?? []).map((entry) => String(entry.DetailType)));
}

describe('Function: publish-events', () => {
  beforeEach(() => {
    eventBridge.reset();
    eventBridge.on(PutEventsCommand).callsFake((input: { Entries: unknown[] }) => ({ FailedEntryCount: 0, Entries: input.Entries.map((_, i) => ({ EventId: `ev-${i}` })) }));
    vi.spyOn(logger, 'error').mockImplementation(() => undefined);
  });

  it('puts one event per state change on the bus, in stream order, and none for writes within a state or removals', async () => {
    const result = await publish([
      streamRecord(uploadRecord({ seq: 1 }), 'INSERT'),
      streamRecord(uploadRecord({ seq: 2, previousStatus: 'initiated', bytesSent: 100 })),
      streamRecord(uploadRecord({ seq: 3, status: 'uploaded', previousStatus: 'initiated' })),
      streamRecord(uploadRecord({ seq: 4, status: 'processing', previousStatus: 'uploaded', progress: 0 })),
      streamRecord(uploadRecord({ seq: 5, status: 'processing', previousStatus: 'processing', progress: 40 })),
      streamRecord(uploadRecord({ seq: 6, status: 'ready', previousStatus: 'processing' })),
      streamRecord(uploadRecord({ status: 'ready' }), 'REMOVE'),
    ]);

    expect(result).toEqual({ batchItemFailures: [] });
    expect(putTypes()).toEqual(['Upload Created', 'Upload Uploaded', 'Upload Processing', 'Upload Ready']);
    expect(eventBridge).toHaveReceivedCommandWith(PutEventsCommand, {
      Entries: expect.arrayContaining([
        expect.objectContaining({ EventBusName: 'media-pipeline-events', Source: 'media-pipeline', DetailType: 'Upload Ready', Time: new Date('2025-03-01T12:00:00.000Z') }),
      ]),
    });
    const ready = eventBridge.commandCalls(PutEventsCommand)[0]?.args[0].input.Entries?.[3];
    expect(JSON.parse(String(ready?.Detail))).toMatchObject({ eventId: expect.stringMatching(/\.ready$/), previousStatus: 'processing', ownerId: 'owner-1', upload: { status: 'ready' } });
  });

  it('puts at most ten entries a call (PutEvents limit)', async () => {
    const records = Array.from({ length: 23 }, (_, i) => streamRecord(uploadRecord({ uploadId: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`, seq: 1 }), 'INSERT'));

    await publish(records);

    expect(eventBridge.commandCalls(PutEventsCommand).map((call) => call.args[0].input.Entries?.length)).toEqual([10, 10, 3]);
  });

  it('reports the first entry EventBridge did not take, so the stream hands it and the writes after it over again', async () => {
    const records = [
      streamRecord(uploadRecord({ seq: 1 }), 'INSERT'),
      streamRecord(uploadRecord({ seq: 2, status: 'uploaded', previousStatus: 'initiated' })),
      streamRecord(uploadRecord({ seq: 3, status: 'processing', previousStatus: 'uploaded' })),
    ];
    eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 1, Entries: [{ EventId: 'a' }, { ErrorCode: 'InternalFailure', ErrorMessage: 'try again' }, { EventId: 'c' }] });

    const result = await publish(records);

    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: records[1]?.dynamodb?.SequenceNumber }] });
  });

  it('reports the first write of a call that failed and puts nothing after it', async () => {
    const records = Array.from({ length: 12 }, (_, i) => streamRecord(uploadRecord({ uploadId: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`, seq: 1 }), 'INSERT'));
    eventBridge.on(PutEventsCommand).rejectsOnce(new Error('throttled')).resolves({ FailedEntryCount: 0, Entries: [] });

    const result = await publish(records);

    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: records[0]?.dynamodb?.SequenceNumber }] });
    expect(eventBridge).toHaveReceivedCommandTimes(PutEventsCommand, 1);
  });
});
