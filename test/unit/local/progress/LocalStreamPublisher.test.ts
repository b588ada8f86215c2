import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { silentLog } from '../../../../local/localLog.js';
import { LocalStreamPublisher } from '../../../../local/progress/LocalStreamPublisher.js';
import { uploadRecord } from '../../support/uploadRecord.js';

const seqsOf = (event: DynamoDBStreamEvent) => event.Records.map((record) => Number(record.dynamodb?.NewImage?.seq?.N));

describe('LocalStreamPublisher', () => {
  it("hands one upload's writes over in seq order, one batch at a time, even when their notices crossed", async () => {
    const batches: number[][] = [];
    let release!: () => void;
    const firstBatchHeld = new Promise<void>((resolve) => (release = resolve));
    const publisher = new LocalStreamPublisher({
      tableName: 'uploads',
      log: silentLog,
      invoke: async (event) => {
        batches.push(seqsOf(event));
        if (batches.length === 1) await firstBatchHeld;
        return { batchItemFailures: [] };
      },
    });

    await publisher.listener({ previousStatus: undefined, record: uploadRecord({ seq: 1 }) });
    await publisher.listener({ previousStatus: 'initiated', record: uploadRecord({ seq: 4 }) });
    await publisher.listener({ previousStatus: 'initiated', record: uploadRecord({ seq: 2 }) });
    await publisher.listener({ previousStatus: 'initiated', record: uploadRecord({ seq: 3 }) });
    release();
    await publisher.idle();

    expect(batches).toEqual([[1], [2, 3, 4]]);
  });

  it('hands a failed record over again, then gives up on it after the attempts and goes on with the next', async () => {
    const batches: number[][] = [];
    const publisher = new LocalStreamPublisher({
      tableName: 'uploads',
      log: silentLog,
      maxAttempts: 3,
      retryDelayMs: () => 1,
      invoke: async (event): Promise<DynamoDBBatchResponse> => {
        batches.push(seqsOf(event));
        const failed = event.Records.find((record) => record.dynamodb?.NewImage?.seq?.N === '2');
        return { batchItemFailures: failed ? [{ itemIdentifier: failed.dynamodb!.SequenceNumber! }] : [] };
      },
    });
    await publisher.listener({ previousStatus: undefined, record: uploadRecord({ seq: 1 }) });
    await publisher.listener({ previousStatus: 'initiated', record: uploadRecord({ seq: 2 }) });
    await publisher.listener({ previousStatus: 'initiated', record: uploadRecord({ seq: 3 }) });
    await publisher.idle();

    // 2 is tried three times and dropped (the stack sends it to its on-failure queue); 3, queued meanwhile, flows after.
    expect(batches).toEqual([[1], [2], [2], [2], [3]]);
  });
});
