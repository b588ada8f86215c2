import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { logger } from '../shared/logger.js';
import { withMediaAccess } from '../shared/mediaAccess/mediaSigner.js';
import { uploadEvent } from '../shared/progress/uploadEvent.js';
import type { UploadRecord } from '../shared/uploadRecord.js';
import { fanOut } from './fanOut.js';

/**
 * Publishes a batch of the Uploads table's stream: each written record (INSERT, MODIFY) goes to
 * its subscribers; removals have nobody left to tell. One upload's writes are posted one after
 * another in stream order, different uploads side by side. When the subscribers of a write
 * cannot be read, that write and every later one of the same upload are reported as failures,
 * so the stream hands them over again in order (nothing earlier is posted twice for nothing:
 * the stream resumes from the lowest failed sequence number).
 */
export async function publishStreamRecords(event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> {
  const byUpload = new Map<string, { record: UploadRecord; sequenceNumber: string }[]>();
  for (const streamRecord of event.Records) {
    const written = writtenRecord(streamRecord);
    if (!written) continue;
    const queue = byUpload.get(written.record.uploadId) ?? [];
    queue.push(written);
    byUpload.set(written.record.uploadId, queue);
  }

  const failures: string[] = [];
  await Promise.all(
    [...byUpload.values()].map(async (writes) => {
      for (const [index, { record }] of writes.entries()) {
        try {
          await fanOut(uploadEvent(await withMediaAccess(record)), record.ownerId);
        } catch (error) {
          logger.error('Could not read the subscribers of an upload write; the stream retries it', {
            uploadId: record.uploadId,
            seq: record.seq,
            error: error as Error,
          });
          failures.push(...writes.slice(index).map((write) => write.sequenceNumber));
          return;
        }
      }
    }),
  );
  return { batchItemFailures: failures.map((itemIdentifier) => ({ itemIdentifier })) };
}

function writtenRecord(streamRecord: DynamoDBRecord): { record: UploadRecord; sequenceNumber: string } | undefined {
  const image = streamRecord.dynamodb?.NewImage;
  const sequenceNumber = streamRecord.dynamodb?.SequenceNumber;
  if (streamRecord.eventName === 'REMOVE' || !image || !sequenceNumber) return undefined;
  return { record: unmarshall(image as Record<string, AttributeValue>) as UploadRecord, sequenceNumber };
}
