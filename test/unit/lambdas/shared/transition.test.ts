import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

vi.hoisted(() => {
  process.env.UPLOADS_TABLE = 'uploads-table';
  process.env.USAGE_TABLE = 'usage-table';
});

import { resetConfigCache } from '../../../../lambdas/shared/config.js';
import { InvalidStateError, NotFoundError } from '../../../../lambdas/shared/errors.js';
import { logger } from '../../../../lambdas/shared/logger.js';
import type { UploadEvent } from '../../../../client/protocol.js';
import { uploadEvent } from '../../../../lambdas/shared/progress/uploadEvent.js';
import { onStateChange, type StateChange } from '../../../../lambdas/shared/stateChanges.js';
import { transition } from '../../../../lambdas/shared/transition.js';
import type { UploadRecord } from '../../../../lambdas/shared/uploadRecord.js';
import { uploadRecord } from '../../support/uploadRecord.js';

const dynamo = mockClient(DynamoDBDocumentClient);
const NOW = new Date('2025-03-01T12:00:00.000Z');

function record(overrides: Partial<UploadRecord> = {}): UploadRecord {
  return uploadRecord({
    uploadId: 'u1',
    status: 'uploaded',
    filename: 'a.mp4',
    size: 10,
    partSize: 5_242_880,
    partCount: 1,
    multipartUploadId: undefined,
    createdAt: '2025-03-01T11:00:00.000Z',
    updatedAt: NOW.toISOString(),
    expiresAt: '2025-03-02T11:00:00.000Z',
    ...overrides,
  });
}

function conditionFailed(): ConditionalCheckFailedException {
  return new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} });
}

describe('transition', () => {
  let removeListener: (() => void) | undefined;

  beforeEach(() => {
    dynamo.reset();
  });

  afterEach(() => {
    removeListener?.();
    removeListener = undefined;
  });

  it('writes the new status with one conditional update on the from-status, moves the upload from the expiry index to the sweep index and returns the new record', async () => {
    dynamo.on(UpdateCommand).resolves({ Attributes: record() });

    const result = await transition('u1', 'initiated', 'uploaded', {}, { now: NOW });

    expect(result).toEqual(record());
    expect(dynamo).toHaveReceivedCommandTimes(UpdateCommand, 1);
    expect(dynamo).toHaveReceivedCommandWith(UpdateCommand, {
      TableName: 'uploads-table',
      Key: { uploadId: 'u1' },
      UpdateExpression: 'SET #previousStatus = #status, #status = :to, #updatedAt = :now, #writeId = :writeId, #pendingProcessing = :to REMOVE #pendingExpiry ADD #seq :one',
      ConditionExpression: '#status IN (:from0)',
      ExpressionAttributeNames: {
        '#status': 'status',
        '#updatedAt': 'updatedAt',
        '#writeId': 'writeId',
        '#previousStatus': 'previousStatus',
        '#pendingExpiry': 'pendingExpiry',
        '#pendingProcessing': 'pendingProcessing',
        '#seq': 'seq',
      },
      ExpressionAttributeValues: { ':to': 'uploaded', ':now': NOW.toISOString(), ':writeId': expect.any(String), ':one': 1, ':from0': 'initiated' },
      ReturnValues: 'ALL_NEW',
    });
    expect(dynamo).not.toHaveReceivedCommand(GetCommand);
  });

  it('accepts any of several from-statuses and adds the owner to the condition when given', async () => {
    dynamo.on(UpdateCommand).resolves({ Attributes: record({ status: 'cancelled' }) });

    await transition('u1', ['initiated', 'uploaded', 'processing'], 'cancelled', {}, { ownerId: 'owner-1', now: NOW });

    expect(dynamo).toHaveReceivedCommandWith(UpdateCommand, {
      ConditionExpression: '#status IN (:from0, :from1, :from2) AND #ownerId = :ownerId',
      ExpressionAttributeNames: expect.objectContaining({ '#ownerId': 'ownerId' }),
      ExpressionAttributeValues: expect.objectContaining({
        ':from0': 'initiated',
        ':from1': 'uploaded',
        ':from2': 'processing',
        ':ownerId': 'owner-1',
      }),
    });
  });

  it('sets patch fields, removes the ones patched with null and skips undefined ones', async () => {
    dynamo.on(UpdateCommand).resolves({ Attributes: record({ status: 'failed' }) });

    await transition(
      'u1',
      'processing',
      'failed',
      { error: { code: 'TOO_LONG', message: 'The video is 7200 s long; at most 3600 s are accepted' }, progress: null, stage: undefined },
      { now: NOW },
    );

    expect(dynamo).toHaveReceivedCommandWith(UpdateCommand, {
      UpdateExpression:
        'SET #previousStatus = #status, #status = :to, #updatedAt = :now, #writeId = :writeId, #removeAt = :removeAt, #pendingRetention = :pendingRetention, #p0 = :p0 REMOVE #pendingExpiry, #unfinishedOwner, #pendingProcessing, #runningJob, #media, #p1 ADD #seq :one',
      ExpressionAttributeNames: {
        '#status': 'status',
        '#updatedAt': 'updatedAt',
        '#writeId': 'writeId',
        '#previousStatus': 'previousStatus',
        '#pendingExpiry': 'pendingExpiry',
        '#pendingProcessing': 'pendingProcessing',
        '#seq': 'seq',
        '#unfinishedOwner': 'unfinishedOwner',
        '#runningJob': 'runningJob',
        '#media': 'media',
        '#removeAt': 'removeAt',
        '#pendingRetention': 'pendingRetention',
        '#p0': 'error',
        '#p1': 'progress',
      },
      ExpressionAttributeValues: {
        ':to': 'failed',
        ':now': NOW.toISOString(),
        ':writeId': expect.any(String),
        ':one': 1,
        ':removeAt': Math.floor(NOW.getTime() / 1000) + 30 * 86_400,
        ':pendingRetention': 'failed',
        ':p0': { code: 'TOO_LONG', message: 'The video is 7200 s long; at most 3600 s are accepted' },
        ':from0': 'processing',
      },
    });
  });

  it('copies the status it found into previousStatus in the same write (operands are read before the update), so the written record tells a state change from a progress write', async () => {
    dynamo.on(UpdateCommand).resolves({ Attributes: record({ status: 'cancelled', previousStatus: 'uploaded' }) });

    const result = await transition('u1', ['initiated', 'uploaded', 'processing'], 'cancelled', {}, { now: NOW });

    const input = dynamo.commandCalls(UpdateCommand)[0]?.args[0].input;
    expect(input?.UpdateExpression).toMatch(/^SET #previousStatus = #status, /);
    expect(input?.ExpressionAttributeNames?.['#previousStatus']).toBe('previousStatus');
    expect(result.previousStatus).toBe('uploaded');
  });

  it('keeps pendingExpiry when the upload stays initiated', async () => {
    dynamo.on(UpdateCommand).resolves({ Attributes: record({ status: 'initiated', pendingExpiry: 'initiated' }) });

    await transition('u1', 'initiated', 'initiated', {}, { now: NOW });

    expect(dynamo).toHaveReceivedCommandWith(UpdateCommand, {
      UpdateExpression: 'SET #previousStatus = #status, #status = :to, #updatedAt = :now, #writeId = :writeId REMOVE #pendingProcessing ADD #seq :one',
      ExpressionAttributeNames: {
        '#status': 'status',
        '#updatedAt': 'updatedAt',
        '#writeId': 'writeId',
        '#previousStatus': 'previousStatus',
        '#seq': 'seq',
        '#pendingProcessing': 'pendingProcessing',
      },
    });
  });

  it.each([
    ['uploaded', 'processing', 'SET #previousStatus = #status, #status = :to, #updatedAt = :now, #writeId = :writeId, #pendingProcessing = :to REMOVE #pendingExpiry ADD #seq :one'],
    ['processing', 'processing', 'SET #previousStatus = #status, #status = :to, #updatedAt = :now, #writeId = :writeId, #pendingProcessing = :to REMOVE #pendingExpiry ADD #seq :one'],
    ['processing', 'ready', 'SET #previousStatus = #status, #status = :to, #updatedAt = :now, #writeId = :writeId REMOVE #pendingExpiry, #unfinishedOwner, #pendingProcessing, #runningJob ADD #seq :one'],
    ['processing', 'cancelled', 'SET #previousStatus = #status, #status = :to, #updatedAt = :now, #writeId = :writeId, #removeAt = :removeAt REMOVE #pendingExpiry, #unfinishedOwner, #pendingProcessing, #runningJob, #media ADD #seq :one'],
    [
      'uploaded',
      'failed',
      'SET #previousStatus = #status, #status = :to, #updatedAt = :now, #writeId = :writeId, #removeAt = :removeAt, #pendingRetention = :pendingRetention REMOVE #pendingExpiry, #unfinishedOwner, #pendingProcessing, #media ADD #seq :one',
    ],
  ] as const)('keeps the sweep index key equal to the status while %s becomes %s, and only then', async (from, to, expression) => {
    dynamo.on(UpdateCommand).resolves({ Attributes: record({ status: to }) });

    await transition('u1', from, to, {}, { now: NOW });

    expect(dynamo).toHaveReceivedCommandWith(UpdateCommand, { UpdateExpression: expression });
  });

  it.each([
    ['processing', 'failed', true],
    ['processing', 'cancelled', true],
    ['initiated', 'expired', true],
    ['processing', 'processing', false],
    ['processing', 'ready', false],
  ] as const)('drops media (outputs already published) when %s becomes %s: %s', async (from, to, drops) => {
    dynamo.on(UpdateCommand).resolves({ Attributes: record({ status: to }) });

    await transition('u1', from, to, {}, { now: NOW });

    const input = dynamo.commandCalls(UpdateCommand)[0]?.args[0].input;
    expect(input?.UpdateExpression?.includes('#media')).toBe(drops);
    expect(input?.ExpressionAttributeNames?.['#media']).toBe(drops ? 'media' : undefined);
  });

  it('with ifWriteId, writes only if the record was not written since that write', async () => {
    dynamo.on(UpdateCommand).resolves({ Attributes: record({ status: 'failed' }) });

    await transition('u1', 'processing', 'failed', {}, { now: NOW, ifWriteId: 'seen-write' });

    expect(dynamo).toHaveReceivedCommandWith(UpdateCommand, {
      ConditionExpression: '#status IN (:from0) AND #writeId = :ifWriteId',
      ExpressionAttributeValues: expect.objectContaining({ ':ifWriteId': 'seen-write', ':from0': 'processing' }),
    });
  });

  it('with ifProgressBelow, writes only while the progress is absent or lower, and explains a rejection as InvalidStateError', async () => {
    dynamo.on(UpdateCommand).rejects(conditionFailed());
    dynamo.on(GetCommand).resolves({ Item: record({ status: 'processing', progress: 60 }) });

    const error = await transition('u1', 'processing', 'processing', { progress: 40 }, { ifProgressBelow: 40 }).catch((caught: unknown) => caught);

    expect(dynamo).toHaveReceivedCommandWith(UpdateCommand, {
      ConditionExpression: '#status IN (:from0) AND (attribute_not_exists(#progress) OR #progress < :ifProgressBelow)',
      ExpressionAttributeNames: expect.objectContaining({ '#progress': 'progress' }),
      ExpressionAttributeValues: expect.objectContaining({ ':ifProgressBelow': 40 }),
    });
    expect(error).toBeInstanceOf(InvalidStateError);
    expect(error).toMatchObject({ currentStatus: 'processing', message: 'Upload u1 is already at 60% progress; not moving it back to 40%' });
  });

  it('drops the upload from the running-job index when it leaves processing, and only then', async () => {
    dynamo.on(UpdateCommand).resolves({ Attributes: record({ status: 'ready' }) });

    await transition('u1', 'processing', 'ready', {}, { now: NOW });
    await transition('u1', 'processing', 'processing', { progress: 5 }, { now: NOW });

    const [leaving, staying] = dynamo.commandCalls(UpdateCommand).map((call) => call.args[0].input);
    expect(leaving?.UpdateExpression).toContain('#runningJob');
    expect(leaving?.ExpressionAttributeNames).toMatchObject({ '#runningJob': 'runningJob' });
    expect(staying?.UpdateExpression).not.toContain('#runningJob');
  });

  it('explains a rejected ifWriteId on an upload still in the from-state as InvalidStateError saying it was written since', async () => {
    dynamo.on(UpdateCommand).rejects(conditionFailed());
    dynamo.on(GetCommand).resolves({ Item: record({ status: 'processing', writeId: 'a-reclaim' }) });

    const error = await transition('u1', 'processing', 'failed', {}, { ifWriteId: 'seen-write' }).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(InvalidStateError);
    expect(error).toMatchObject({
      currentStatus: 'processing',
      message: 'Upload u1 was written since write seen-write (it is processing); not moving it to failed',
    });
  });

  it('refuses an empty from-list without writing', async () => {
    await expect(transition('u1', [], 'uploaded')).rejects.toThrow(TypeError);
    expect(dynamo).not.toHaveReceivedAnyCommand();
  });

  it('explains a rejected condition on a missing upload as NotFoundError', async () => {
    dynamo.on(UpdateCommand).rejects(conditionFailed());
    dynamo.on(GetCommand).resolves({});

    const error = await transition('u1', 'initiated', 'uploaded').catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(NotFoundError);
    expect(error).toMatchObject({ statusCode: 404, code: 'NOT_FOUND', message: 'Upload u1 was not found' });
    expect(dynamo).toHaveReceivedCommandWith(GetCommand, { TableName: 'uploads-table', Key: { uploadId: 'u1' }, ConsistentRead: true });
  });

  it("explains a rejected condition on another owner's upload as NotFoundError, never as a state", async () => {
    dynamo.on(UpdateCommand).rejects(conditionFailed());
    dynamo.on(GetCommand).resolves({ Item: record({ ownerId: 'owner-2', status: 'initiated' }) });

    const error = await transition('u1', 'initiated', 'cancelled', {}, { ownerId: 'owner-1' }).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(NotFoundError);
  });

  it('explains a rejected condition on an upload in another state as InvalidStateError naming both states', async () => {
    dynamo.on(UpdateCommand).rejects(conditionFailed());
    dynamo.on(GetCommand).resolves({ Item: record({ status: 'cancelled' }) });

    const error = await transition('u1', ['initiated', 'uploaded'], 'processing', {}, { ownerId: 'owner-1' }).catch(
      (caught: unknown) => caught,
    );

    expect(error).toBeInstanceOf(InvalidStateError);
    expect(error).toMatchObject({
      statusCode: 409,
      code: 'INVALID_STATE',
      currentStatus: 'cancelled',
      message: 'Upload u1 is cancelled; it must be initiated or uploaded to become processing',
    });
  });

  it("takes the rejected retry of its own applied write (the SDK resent an update whose answer was lost) for the write it is", async () => {
    const changes: StateChange[] = [];
    removeListener = onStateChange(async (change) => {
      changes.push(change);
    });
    let applied: UploadRecord | undefined;
    dynamo.on(UpdateCommand).callsFake(async (input: { ExpressionAttributeValues: Record<string, unknown> }) => {
      // DynamoDB applied the first attempt; what reaches the caller is the retry's rejection.
      applied = record({ status: 'processing', writeId: input.ExpressionAttributeValues[':writeId'] as string });
      throw conditionFailed();
    });
    dynamo.on(GetCommand).callsFake(async () => ({ Item: applied }));

    const result = await transition('u1', 'uploaded', 'processing', {}, { now: NOW });

    expect(applied?.writeId).toEqual(expect.any(String));
    expect(result).toEqual(applied);
    expect(changes).toEqual([{ previousStatus: 'uploaded', record: applied }]);
  });

  it('still refuses when another writer moved the upload to the same state', async () => {
    dynamo.on(UpdateCommand).rejects(conditionFailed());
    dynamo.on(GetCommand).resolves({ Item: record({ status: 'processing', writeId: 'another-writer' }) });

    await expect(transition('u1', 'uploaded', 'processing')).rejects.toThrow(InvalidStateError);
  });

  it('marks every write with a new write id, so a retried write can tell itself from another', async () => {
    dynamo.on(UpdateCommand).resolves({ Attributes: record() });

    await transition('u1', 'initiated', 'uploaded');
    await transition('u1', 'initiated', 'uploaded');

    const ids = dynamo.commandCalls(UpdateCommand).map((call) => call.args[0].input.ExpressionAttributeValues?.[':writeId']);
    expect(ids).toEqual([expect.any(String), expect.any(String)]);
    expect(ids[0]).not.toBe(ids[1]);
    expect(dynamo).toHaveReceivedCommandWith(UpdateCommand, {
      UpdateExpression: expect.stringContaining('#writeId = :writeId'),
      ExpressionAttributeNames: expect.objectContaining({ '#writeId': 'writeId' }),
    });
  });

  it('passes any other DynamoDB error through without reading the item', async () => {
    const throttled = new Error('Rate exceeded');
    dynamo.on(UpdateCommand).rejects(throttled);

    await expect(transition('u1', 'initiated', 'uploaded')).rejects.toBe(throttled);
    expect(dynamo).not.toHaveReceivedCommand(GetCommand);
  });

  it('tells state-change listeners after the write, with the previous status when there was only one', async () => {
    const changes: StateChange[] = [];
    removeListener = onStateChange(async (change) => {
      changes.push(change);
    });
    dynamo.on(UpdateCommand).resolves({ Attributes: record() });

    await transition('u1', 'initiated', 'uploaded');
    await transition('u1', ['initiated', 'processing'], 'uploaded');

    expect(changes).toEqual([
      { previousStatus: 'initiated', record: record() },
      { previousStatus: undefined, record: record() },
    ]);
  });

  it('keeps the write when a listener fails, and logs the failure', async () => {
    const warn = vi.spyOn(logger, 'warn').mockImplementation(() => undefined);
    const failure = new Error('WebSocket endpoint unreachable');
    removeListener = onStateChange(async () => {
      throw failure;
    });
    dynamo.on(UpdateCommand).resolves({ Attributes: record() });

    await expect(transition('u1', 'initiated', 'uploaded')).resolves.toEqual(record());
    expect(warn).toHaveBeenCalledWith('A state-change listener failed; the state was written', {
      uploadId: 'u1',
      status: 'uploaded',
      error: failure,
    });
    warn.mockRestore();
  });

  it("settles the owner's usage after a write it won: a tracked upload that became uploaded completes its share", async () => {
    const tracked = record({ usageTracked: true });
    dynamo.on(UpdateCommand, { TableName: 'uploads-table' }).resolves({ Attributes: tracked });
    const share = { size: 10, phase: 'initiated', reservedAt: NOW.toISOString() };
    dynamo.on(GetCommand, { TableName: 'usage-table' }).resolves({ Item: { ownerId: 'owner-1', active: { u1: share }, released: {} } });
    dynamo.on(UpdateCommand, { TableName: 'usage-table' }).resolves({});

    await transition('u1', 'initiated', 'uploaded', {}, { now: NOW });

    expect(dynamo).toHaveReceivedCommandWith(UpdateCommand, {
      TableName: 'usage-table',
      Key: { ownerId: 'owner-1' },
      UpdateExpression: 'SET #active.#upload.#phase = :completed, #updatedAt = :now ADD #bytesInFlight :minusSize',
    });
  });

  it('settles no usage for a progress write within a state, nor when the write is rejected', async () => {
    dynamo.on(UpdateCommand).resolves({ Attributes: record({ status: 'processing', usageTracked: true }) });
    await transition('u1', 'processing', 'processing', { progress: 40 });

    dynamo.on(UpdateCommand).rejects(conditionFailed());
    dynamo.on(GetCommand).resolves({ Item: record({ status: 'ready', usageTracked: true }) });
    await expect(transition('u1', 'uploaded', 'processing')).rejects.toThrow(InvalidStateError);

    expect(dynamo.calls().filter((call) => (call.args[0].input as { TableName: string }).TableName === 'usage-table')).toEqual([]);
  });

  it('tells no listener when the write is rejected', async () => {
    const listener = vi.fn(async () => undefined);
    removeListener = onStateChange(listener);
    dynamo.on(UpdateCommand).rejects(conditionFailed());
    dynamo.on(GetCommand).resolves({ Item: record({ status: 'ready' }) });

    await expect(transition('u1', 'initiated', 'uploaded')).rejects.toThrow(InvalidStateError);
    expect(listener).not.toHaveBeenCalled();
  });

  describe('seq under concurrent writers', () => {
    interface UpdateInput {
      readonly UpdateExpression: string;
      readonly ExpressionAttributeNames: Record<string, string>;
      readonly ExpressionAttributeValues: Record<string, unknown>;
    }

    /**
     * Applies an update the way DynamoDB does, one at a time and whole: the status condition,
     * the patch, and `seq` moved on only as far as the expression ADDs to it.
     */
    function apply(item: UploadRecord, input: UpdateInput): UploadRecord {
      const names = input.ExpressionAttributeNames;
      const values = input.ExpressionAttributeValues;
      const from = Object.keys(values).filter((key) => key.startsWith(':from')).map((key) => values[key]);
      if (!from.includes(item.status)) throw conditionFailed();
      const next: Record<string, unknown> = { ...item, status: values[':to'], updatedAt: values[':now'], writeId: values[':writeId'] };
      for (const [placeholder, field] of Object.entries(names)) {
        if (!placeholder.startsWith('#p')) continue;
        const value = values[`:${placeholder.slice(1)}`];
        if (value === undefined) delete next[field];
        else next[field] = value;
      }
      const added = /\bADD #(\w+) :(\w+)$/.exec(input.UpdateExpression);
      if (added && names[`#${added[1]}`] === 'seq') next.seq = (item.seq ?? 0) + (values[`:${added[2]}`] as number);
      return next as unknown as UploadRecord;
    }

    type Write = { readonly progress: number } | 'fail';

    it('gives every write that wins its own next seq, so a client keeping only higher seqs ends on the last write whatever order the posts arrive in', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.scheduler(),
          fc.array(fc.oneof(fc.record({ progress: fc.integer({ min: 1, max: 99 }) }), fc.constant<Write>('fail')), { minLength: 2, maxLength: 6 }),
          fc.array(fc.nat(), { minLength: 6, maxLength: 6 }),
          async (scheduler, writes, deliveryKeys) => {
            dynamo.reset();
            let item = record({ status: 'processing', seq: 5, progress: 0, stage: 'transcode' });
            dynamo.on(UpdateCommand).callsFake(async (input: UpdateInput) => {
              // The scheduler picks which of the writers in flight DynamoDB applies next.
              await scheduler.schedule(Promise.resolve(), 'update');
              item = apply(item, input);
              return { Attributes: item };
            });
            dynamo.on(GetCommand).callsFake(async () => ({ Item: item }));

            const attempts = writes.map((write) =>
              (write === 'fail'
                ? transition('u1', 'processing', 'failed', { error: { code: 'X', message: 'failed' }, progress: null, stage: null })
                : transition('u1', 'processing', 'processing', { progress: write.progress })
              ).then(
                (written) => written,
                (error: unknown) => {
                  if (!(error instanceof InvalidStateError)) throw error;
                  return undefined;
                },
              ),
            );
            const written = (await scheduler.waitFor(Promise.all(attempts))).filter((result) => result !== undefined);

            const seqs = written.map((result) => result.seq);
            expect([...seqs].sort((a, b) => (a ?? 0) - (b ?? 0))).toEqual(written.map((_, index) => 6 + index));
            expect(item.seq).toBe(5 + written.length);

            // Each written record's event is posted; posts cross on the way.
            const posted = written.map((result, index) => ({ event: uploadEvent(result), key: deliveryKeys[index] ?? 0 }));
            const arrived = posted.sort((a, b) => a.key - b.key).map(({ event }) => event);
            let held: UploadEvent | undefined;
            for (const event of arrived) if (held === undefined || event.seq > held.seq) held = event;
            expect(held).toEqual(uploadEvent(item));
          },
        ),
        { numRuns: 200 },
      );
    });
  });
});

describe('transition: retention', () => {
  const epochSeconds = Math.floor(NOW.getTime() / 1000);

  beforeEach(() => {
    dynamo.reset();
    dynamo.on(UpdateCommand).resolves({ Attributes: record() });
  });

  afterEach(() => {
    delete process.env.RETENTION_SETTINGS;
    resetConfigCache();
  });

  function sent(): { UpdateExpression?: string; ExpressionAttributeNames?: Record<string, string>; ExpressionAttributeValues?: Record<string, unknown> } {
    return dynamo.commandCalls(UpdateCommand)[0]!.args[0].input;
  }

  it.each(['cancelled', 'expired'] as const)('stamps a record entering %s with its removal time, the default 30 days on', async (to) => {
    await transition('u1', 'initiated', to, {}, { now: NOW });

    expect(sent().UpdateExpression).toContain('#removeAt = :removeAt');
    expect(sent().ExpressionAttributeNames).toMatchObject({ '#removeAt': 'removeAt' });
    expect(sent().ExpressionAttributeValues).toMatchObject({ ':removeAt': epochSeconds + 30 * 86_400 });
    expect(sent().ExpressionAttributeNames).not.toHaveProperty('#pendingRetention');
  });

  it('stamps a record entering failed with its removal time and puts it in the retention index', async () => {
    await transition('u1', 'processing', 'failed', { error: { code: 'X', message: 'no' } }, { now: NOW });

    expect(sent().UpdateExpression).toMatch(/^SET .*#removeAt = :removeAt, #pendingRetention = :pendingRetention/);
    expect(sent().ExpressionAttributeValues).toMatchObject({ ':removeAt': epochSeconds + 30 * 86_400, ':pendingRetention': 'failed' });
  });

  it('gives a ready record no removal time, and puts it in the retention index only when ready originals are deleted', async () => {
    await transition('u1', 'processing', 'ready', {}, { now: NOW });
    expect(sent().ExpressionAttributeNames).not.toHaveProperty('#removeAt');
    expect(sent().ExpressionAttributeNames).not.toHaveProperty('#pendingRetention');

    dynamo.resetHistory();
    process.env.RETENTION_SETTINGS = JSON.stringify({ readyOriginals: 'delete', failedUploadsSeconds: 86_400, recordsSeconds: 2 * 86_400 });
    resetConfigCache();
    await transition('u1', 'processing', 'ready', {}, { now: NOW });
    expect(sent().ExpressionAttributeNames).not.toHaveProperty('#removeAt');
    expect(sent().ExpressionAttributeValues).toMatchObject({ ':pendingRetention': 'ready' });
  });

  it('takes the removal time from RETENTION_SETTINGS', async () => {
    process.env.RETENTION_SETTINGS = JSON.stringify({ readyOriginals: 'keep', failedUploadsSeconds: 86_400, recordsSeconds: 2 * 86_400 });
    resetConfigCache();

    await transition('u1', 'initiated', 'expired', {}, { now: NOW });

    expect(sent().ExpressionAttributeValues).toMatchObject({ ':removeAt': epochSeconds + 2 * 86_400 });
  });

  it('stamps nothing on a write within a state: the time was set when the record entered it', async () => {
    await transition('u1', 'failed', 'failed', { pendingRetention: null }, { now: NOW });

    expect(sent().ExpressionAttributeNames).not.toHaveProperty('#removeAt');
    expect(sent().UpdateExpression).toMatch(/REMOVE .*#p0/);
    expect(sent().ExpressionAttributeNames).toMatchObject({ '#p0': 'pendingRetention' });
  });

  it('fails on RETENTION_SETTINGS that are not the settings, naming the variable', async () => {
    process.env.RETENTION_SETTINGS = JSON.stringify({ readyOriginals: 'shred', failedUploadsSeconds: 86_400, recordsSeconds: 86_400 });
    resetConfigCache();

    await expect(transition('u1', 'initiated', 'expired', {}, { now: NOW })).rejects.toThrow(/RETENTION_SETTINGS: readyOriginals is invalid/);
    expect(dynamo).not.toHaveReceivedCommand(UpdateCommand);
  });
});
