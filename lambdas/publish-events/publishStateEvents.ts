import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { eventBusName } from '../shared/config.js';
import { eventBridge } from '../shared/events/eventBridge.js';
import { uploadStateEvent } from '../shared/events/uploadStateEvent.js';
import { logger } from '../shared/logger.js';
import type { UploadRecord } from '../shared/uploadRecord.js';

/** PutEvents takes at most ten entries a call. */
const MAX_ENTRIES_PER_CALL = 10;

const busName = eventBusName();

interface PendingEntry {
  readonly sequenceNumber: string;
  readonly entry: PutEventsRequestEntry;
}

/**
 * Puts one event on the bus for every write of the batch that changed an upload's state
 * (`uploadStateEvent`), in stream order; progress and other writes within a state put nothing.
 * At the first entry EventBridge did not take (or a call that failed), it stops and reports that
 * write as the batch's failure, so the stream hands it and every later write over again: an
 * event may be put twice, with the same `eventId`, never skipped.
 */
export async function publishStateEvents(event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> {
  const pending: PendingEntry[] = [];
  for (const streamRecord of event.Records) {
    const written = writtenRecord(streamRecord);
    if (!written) continue;
    const stateEvent = uploadStateEvent(written.record);
    if (!stateEvent) continue;
    pending.push({
      sequenceNumber: written.sequenceNumber,
      entry: {
        EventBusName: busName,
        Source: stateEvent.source,
        DetailType: stateEvent.detailType,
        Time: new Date(stateEvent.time),
        Detail: JSON.stringify(stateEvent.detail),
      },
    });
  }

  for (let start = 0; start < pending.length; start += MAX_ENTRIES_PER_CALL) {
    const chunk = pending.slice(start, start + MAX_ENTRIES_PER_CALL);
    let firstFailed: number;
    try {
      const result = await eventBridge.send(new PutEventsCommand({ Entries: chunk.map(({ entry }) => entry) }));
      firstFailed = (result.FailedEntryCount ?? 0) === 0 ? -1 : (result.Entries ?? []).findIndex((entry) => entry.ErrorCode !== undefined);
      if (firstFailed !== -1) {
        const failed = result.Entries?.[firstFailed];
        logger.error('EventBridge did not take a state-change event; the stream hands it over again', {
          detailType: chunk[firstFailed]?.entry.DetailType,
          errorCode: failed?.ErrorCode,
          errorMessage: failed?.ErrorMessage,
        });
      }
    } catch (error) {
      logger.error('Could not put state-change events on the bus; the stream hands them over again', { error: error as Error });
      firstFailed = 0;
    }
    if (firstFailed !== -1) {
      // FailedEntryCount without an entry that says which: the whole chunk again.
      const failed = chunk[Math.max(0, firstFailed)] as PendingEntry;
      return { batchItemFailures: [{ itemIdentifier: failed.sequenceNumber }] };
    }
  }
  return { batchItemFailures: [] };
}

function writtenRecord(streamRecord: DynamoDBRecord): { record: UploadRecord; sequenceNumber: string } | undefined {
  const image = streamRecord.dynamodb?.NewImage;
  const sequenceNumber = streamRecord.dynamodb?.SequenceNumber;
  if (streamRecord.eventName === 'REMOVE' || !image || !sequenceNumber) return undefined;
  return { record: unmarshall(image as Record<string, AttributeValue>) as UploadRecord, sequenceNumber };
}
