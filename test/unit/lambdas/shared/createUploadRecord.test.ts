import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

vi.hoisted(() => {
  process.env.UPLOADS_TABLE = 'uploads-table';
});

import { createUploadRecord } from '../../../../lambdas/shared/createUploadRecord.js';
import { logger } from '../../../../lambdas/shared/logger.js';
import { onStateChange } from '../../../../lambdas/shared/stateChanges.js';
import type { UploadRecord } from '../../../../lambdas/shared/uploadRecord.js';
import { uploadRecord } from '../../support/uploadRecord.js';

const dynamo = mockClient(DynamoDBDocumentClient);

const record: UploadRecord = uploadRecord({
  uploadId: 'u1',
  filename: 'song.mp3',
  contentType: 'audio/mpeg',
  kind: 'audio',
  size: 3_000_000,
  partCount: 1,
});

describe('createUploadRecord', () => {
  let removeListener: (() => void) | undefined;

  beforeEach(() => {
    dynamo.reset();
  });

  afterEach(() => {
    removeListener?.();
    removeListener = undefined;
    vi.restoreAllMocks();
  });

  it('puts the record, marked with a write id, only if the id is new and tells listeners it was created', async () => {
    const listener = vi.fn(async () => undefined);
    removeListener = onStateChange(listener);
    dynamo.on(PutCommand).resolves({});
    const written = { ...record, unfinishedOwner: record.ownerId, seq: 1, writeId: expect.any(String) };

    await expect(createUploadRecord(record)).resolves.toEqual(written);
    expect(dynamo).toHaveReceivedCommandExactlyOnceWith(PutCommand, {
      TableName: 'uploads-table',
      Item: written,
      ConditionExpression: 'attribute_not_exists(uploadId)',
    });
    expect(listener).toHaveBeenCalledWith({ previousStatus: undefined, record: written });
  });

  it('fails on an id another write holds and tells no listener', async () => {
    const listener = vi.fn(async () => undefined);
    removeListener = onStateChange(listener);
    dynamo.on(PutCommand).rejects(new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} }));
    dynamo.on(GetCommand).resolves({ Item: { ...record, ownerId: 'owner-2', writeId: 'another-writer' } });

    await expect(createUploadRecord(record)).rejects.toThrow(ConditionalCheckFailedException);
    expect(listener).not.toHaveBeenCalled();
  });

  it('takes the rejected retry of its own applied put (the SDK resent a put whose answer was lost) for the write it is', async () => {
    const listener = vi.fn(async () => undefined);
    removeListener = onStateChange(listener);
    let applied: Record<string, unknown> | undefined;
    dynamo.on(PutCommand).callsFake(async (input: { Item: Record<string, unknown> }) => {
      // DynamoDB applied the first attempt; what reaches the caller is the retry's rejection.
      applied = input.Item;
      throw new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} });
    });
    dynamo.on(GetCommand).callsFake(async () => ({ Item: applied }));

    await expect(createUploadRecord(record)).resolves.toEqual(applied);
    expect(dynamo).toHaveReceivedCommandWith(GetCommand, { TableName: 'uploads-table', Key: { uploadId: 'u1' }, ConsistentRead: true });
    expect(listener).toHaveBeenCalledWith({ previousStatus: undefined, record: applied });
  });

  it('keeps the record when a listener fails, and logs the failure', async () => {
    const warn = vi.spyOn(logger, 'warn').mockImplementation(() => undefined);
    const failure = new Error('WebSocket endpoint unreachable');
    removeListener = onStateChange(async () => {
      throw failure;
    });
    dynamo.on(PutCommand).resolves({});

    await expect(createUploadRecord(record)).resolves.toMatchObject(record);
    expect(warn).toHaveBeenCalledWith('A state-change listener failed; the record was written', { uploadId: 'u1', error: failure });
  });
});
