import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import type { StateChange } from '../../lambdas/shared/stateChanges.js';
import type { UploadRecord } from '../../lambdas/shared/uploadRecord.js';
import { LOCAL_ACCOUNT_ID, LOCAL_REGION } from '../localDefaults.js';
import type { LocalLog } from '../localLog.js';

export interface LocalStreamPublisherOptions {
  /** Runs the publisher function with a stream batch; NO_HANDLER-like results count as success. */
  readonly invoke: (event: DynamoDBStreamEvent) => Promise<DynamoDBBatchResponse | undefined>;
  readonly tableName: string;
  readonly log: LocalLog;
  /** Attempts of a batch before its records are dropped (the stack sends them to its on-failure queue). @default 3 */
  readonly maxAttempts?: number;
  /** @default 200 ms, doubling */
  readonly retryDelayMs?: (attempt: number) => number;
}

interface UploadQueue {
  readonly records: DynamoDBRecord[];
  running?: Promise<void>;
}

/**
 * Local mode's stand-in for the Uploads table's stream (the DynamoDB emulator has none): every
 * write `transition` and `createUploadRecord` report through the `onStateChange` seam becomes a
 * NEW_IMAGE stream record, and the publisher function gets them in batches, one upload's writes
 * in order and never two batches of one upload at once, as Lambda reads a stream shard. The
 * writer is not held up: `listener` only queues. Writes outside those two modules (none today)
 * would reach AWS's stream but not this one.
 */
export class LocalStreamPublisher {
  private readonly queues = new Map<string, UploadQueue>();
  private sequence = 0;
  private stopped = false;

  constructor(private readonly options: LocalStreamPublisherOptions) {}

  readonly listener = async (change: StateChange): Promise<void> => {
    if (this.stopped) return;
    this.sequence += 1;
    const record = this.streamRecord(change.record, change.previousStatus === undefined ? 'INSERT' : 'MODIFY', this.sequence);
    let queue = this.queues.get(change.record.uploadId);
    if (!queue) {
      queue = { records: [] };
      this.queues.set(change.record.uploadId, queue);
    }
    // In write order, as a stream is: two writers' notices can reach the seam crossed.
    const seq = change.record.seq ?? 0;
    const at = queue.records.findIndex((queued) => Number(queued.dynamodb?.NewImage?.seq?.N ?? 0) > seq);
    queue.records.splice(at === -1 ? queue.records.length : at, 0, record);
    this.drain(change.record.uploadId, queue);
  };

  /** Resolves once every queued write was handed to the publisher. */
  async idle(): Promise<void> {
    while (this.queues.size > 0) await Promise.allSettled([...this.queues.values()].map((queue) => queue.running));
  }

  /** Stops taking writes and waits for the batches already queued. */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.idle();
  }

  private drain(uploadId: string, queue: UploadQueue): void {
    if (queue.running) return;
    queue.running = (async () => {
      while (queue.records.length > 0) {
        const batch = queue.records.splice(0);
        const failed = await this.deliver(batch);
        if (failed.length > 0) {
          this.options.log.warn(`Live progress: dropped ${failed.length} write(s) of upload ${uploadId} after ${this.maxAttempts} attempts`);
        }
      }
      queue.running = undefined;
      if (queue.records.length === 0) this.queues.delete(uploadId);
    })();
  }

  private get maxAttempts(): number {
    return this.options.maxAttempts ?? 3;
  }

  /** Hands a batch over until the publisher takes all of it, or the attempts run out; returns what it never took. */
  private async deliver(batch: DynamoDBRecord[]): Promise<DynamoDBRecord[]> {
    let remaining = batch;
    for (let attempt = 1; attempt <= this.maxAttempts && remaining.length > 0; attempt += 1) {
      let failedIds: string[];
      try {
        const response = await this.options.invoke({ Records: remaining });
        failedIds = (response?.batchItemFailures ?? []).map((failure) => failure.itemIdentifier ?? '');
      } catch (error) {
        this.options.log.error(`Live progress: the publisher failed (attempt ${attempt} of ${this.maxAttempts})`, error);
        failedIds = remaining.map((record) => record.dynamodb?.SequenceNumber ?? '');
      }
      // As Lambda does with a stream: start again at the lowest failed sequence number.
      const firstFailed = remaining.findIndex((record) => failedIds.includes(record.dynamodb?.SequenceNumber ?? ''));
      remaining = firstFailed === -1 ? [] : remaining.slice(firstFailed);
      if (remaining.length > 0 && attempt < this.maxAttempts) {
        await new Promise((resolve) => setTimeout(resolve, this.options.retryDelayMs?.(attempt) ?? 200 * 2 ** (attempt - 1)));
      }
    }
    return remaining;
  }

  private streamRecord(record: UploadRecord, eventName: 'INSERT' | 'MODIFY', sequence: number): DynamoDBRecord {
    const now = Date.now();
    const newImage = marshall(record, { removeUndefinedValues: true });
    return {
      eventID: `local-${sequence}`,
      eventName,
      eventVersion: '1.1',
      eventSource: 'aws:dynamodb',
      awsRegion: LOCAL_REGION,
      dynamodb: {
        ApproximateCreationDateTime: Math.floor(now / 1000),
        Keys: { uploadId: { S: record.uploadId } },
        NewImage: newImage as NonNullable<DynamoDBRecord['dynamodb']>['NewImage'],
        SequenceNumber: String(sequence).padStart(21, '0'),
        SizeBytes: JSON.stringify(newImage).length,
        StreamViewType: 'NEW_IMAGE',
      },
      eventSourceARN: `arn:aws:dynamodb:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:table/${this.options.tableName}/stream/local`,
    };
  }
}
