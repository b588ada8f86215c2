import { DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

vi.hoisted(() => {
  process.env.UPLOADS_TABLE = 'uploads-table';
  process.env.USAGE_TABLE = 'usage-table';
});

import { logger } from '../../../../../lambdas/shared/logger.js';
import type { UploadStatus } from '../../../../../lambdas/shared/uploadRecord.js';
import { releaseRemovedUpload, settleUsage } from '../../../../../lambdas/shared/usage/settleUsage.js';
import type { UploadShare, UserUsage } from '../../../../../lambdas/shared/usage/UserUsage.js';
import { FIXTURE_OWNER, FIXTURE_UPLOAD_ID, uploadRecord } from '../../../support/uploadRecord.js';

const dynamo = mockClient(DynamoDBDocumentClient);
const USAGE = { TableName: 'usage-table' };
const SIZE = uploadRecord().size;

function usageWith(phase: UploadShare['phase'] | undefined): { Item: UserUsage } {
  const active: Record<string, UploadShare> = phase ? { [FIXTURE_UPLOAD_ID]: { size: SIZE, phase, reservedAt: '2025-03-01T12:00:00.000Z' } } : {};
  return {
    Item: {
      ownerId: FIXTURE_OWNER,
      activeUploads: phase ? 1 : 0,
      bytesInFlight: phase === 'initiated' ? SIZE : 0,
      bytesHeld: SIZE,
      hour: 0,
      uploadsThisHour: 0,
      active,
      released: {},
      updatedAt: '2025-03-01T12:00:00.000Z',
    },
  };
}

const tracked = (status: UploadStatus) => uploadRecord({ status, usageTracked: true });
const writes = () => dynamo.commandCalls(UpdateCommand, USAGE).map((call) => call.args[0].input.UpdateExpression);

describe('settleUsage', () => {
  beforeEach(() => {
    dynamo.reset();
    dynamo.on(UpdateCommand, USAGE).resolves({});
  });

  afterEach(() => {
    vi.restoreAllMocks();
  });

  it.each([
    ['uploaded', 'initiated', 'SET #active.#upload.#phase = :completed, #updatedAt = :now ADD #bytesInFlight :minusSize'],
    ['processing', 'initiated', 'SET #active.#upload.#phase = :completed, #updatedAt = :now ADD #bytesInFlight :minusSize'],
    ['ready', 'completed', 'REMOVE #active.#upload SET #updatedAt = :now ADD #activeUploads :minusOne'],
    ['failed', 'initiated', 'REMOVE #active.#upload SET #updatedAt = :now ADD #activeUploads :minusOne, #bytesInFlight :minusSize'],
    ['cancelled', 'completed', 'REMOVE #active.#upload SET #updatedAt = :now ADD #activeUploads :minusOne, #bytesHeld :minusSize'],
    [
      'expired',
      'initiated',
      'REMOVE #active.#upload SET #updatedAt = :now ADD #activeUploads :minusOne, #bytesInFlight :minusSize, #bytesHeld :minusSize',
    ],
  ] as const)('settles the share of an upload that became %s (share %s) with %s', async (status, phase, update) => {
    dynamo.on(GetCommand, USAGE).resolves(usageWith(phase));

    await settleUsage({ previousStatus: undefined, record: tracked(status) });

    expect(writes()).toEqual([update]);
    expect(dynamo.commandCalls(UpdateCommand, USAGE)[0]?.args[0].input.Key).toEqual({ ownerId: FIXTURE_OWNER });
  });

  it('changes nothing for a progress write within a state, a new initiated record, or an upload from before tracking', async () => {
    dynamo.on(GetCommand, USAGE).resolves(usageWith('completed'));

    await settleUsage({ previousStatus: 'processing', record: tracked('processing') });
    await settleUsage({ previousStatus: undefined, record: tracked('initiated') });
    await settleUsage({ previousStatus: 'processing', record: uploadRecord({ status: 'ready' }) });

    expect(dynamo.calls()).toEqual([]);
  });

  it('changes nothing when the share was settled already (a duplicate event, a second writer)', async () => {
    dynamo.on(GetCommand, USAGE).resolves(usageWith(undefined));

    await settleUsage({ previousStatus: 'processing', record: tracked('ready') });

    expect(writes()).toEqual([]);
  });

  it('logs a failure as an error and never throws: the state write stands', async () => {
    dynamo.on(GetCommand, USAGE).rejects(new Error('Throughput exceeded'));
    const logged = vi.spyOn(logger, 'error').mockImplementation(() => undefined);

    await expect(settleUsage({ previousStatus: 'processing', record: tracked('ready') })).resolves.toBeUndefined();

    expect(logged).toHaveBeenCalledWith(
      expect.stringContaining('Could not settle'),
      expect.objectContaining({ uploadId: FIXTURE_UPLOAD_ID, ownerId: FIXTURE_OWNER, status: 'ready' }),
    );
  });
});

describe('releaseRemovedUpload', () => {
  beforeEach(() => {
    dynamo.reset();
    dynamo.on(UpdateCommand, USAGE).resolves({});
  });

  it('releases the bytes a ready upload held, once, remembering its id', async () => {
    dynamo.on(GetCommand, USAGE).resolves(usageWith(undefined));

    await releaseRemovedUpload(tracked('ready'));

    expect(writes()).toEqual(['SET #released.#upload = :at, #updatedAt = :now ADD #bytesHeld :minusSize']);
    expect(dynamo.commandCalls(UpdateCommand, USAGE)[0]?.args[0].input.ExpressionAttributeValues?.[':minusSize']).toBe(-SIZE);
  });

  it('settles a share a crashed writer left behind first, then releases the held bytes', async () => {
    dynamo.on(GetCommand, USAGE).resolvesOnce(usageWith('completed')).resolves(usageWith(undefined));

    await releaseRemovedUpload(tracked('failed'));

    expect(writes()).toEqual([
      'REMOVE #active.#upload SET #updatedAt = :now ADD #activeUploads :minusOne',
      'SET #released.#upload = :at, #updatedAt = :now ADD #bytesHeld :minusSize',
    ]);
  });

  it('releases nothing more for a cancelled or expired upload: ending it gave everything back', async () => {
    dynamo.on(GetCommand, USAGE).resolves(usageWith(undefined));

    await releaseRemovedUpload(tracked('cancelled'));
    await releaseRemovedUpload(tracked('expired'));

    expect(writes()).toEqual([]);
  });

  it('releases nothing for a record from before tracking, and reads nothing', async () => {
    await releaseRemovedUpload(uploadRecord({ status: 'ready' }));

    expect(dynamo.calls()).toEqual([]);
  });

  it('throws when the release fails, so the delete stops before the record goes', async () => {
    dynamo.on(GetCommand, USAGE).rejects(new Error('Throughput exceeded'));

    await expect(releaseRemovedUpload(tracked('ready'))).rejects.toThrow('Throughput exceeded');
  });
});
