import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it, vi } from 'vitest';

vi.hoisted(() => {
  process.env.UPLOADS_TABLE = 'uploads-table';
  process.env.USAGE_TABLE = 'usage-table';
});

import { QuotaExceededError, RateLimitedError } from '../../../../../lambdas/shared/errors.js';
import { logger } from '../../../../../lambdas/shared/logger.js';
import { releaseReservation, reserveUpload } from '../../../../../lambdas/shared/usage/reserveUpload.js';
import type { UploadShare, UsageLimits, UserUsage } from '../../../../../lambdas/shared/usage/UserUsage.js';

const dynamo = mockClient(DynamoDBDocumentClient);
const USAGE = { TableName: 'usage-table' };
const UPLOADS = { TableName: 'uploads-table' };
const NOW = new Date('2026-03-01T12:20:00.000Z');
const LIMITS: UsageLimits = { maxActiveUploadsPerUser: 1, maxBytesInFlightPerUser: 1_000, maxStoredBytesPerUser: 5_000, maxUploadsPerHourPerUser: 3 };
const REQUEST = { ownerId: 'owner-1', uploadId: 'new', size: 100, now: NOW };
const conflict = () => new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} });

function usage(overrides: Partial<UserUsage> = {}): { Item: UserUsage } {
  return {
    Item: {
      ownerId: 'owner-1',
      activeUploads: 0,
      bytesInFlight: 0,
      bytesHeld: 0,
      hour: 492_324,
      uploadsThisHour: 0,
      active: {},
      released: {},
      updatedAt: '2026-03-01T12:00:00.000Z',
      ...overrides,
    },
  };
}

/** The usage of a user whose one unfinished upload `old` was reserved `minutesAgo`. */
function withShare(minutesAgo: number, phase: UploadShare['phase'] = 'initiated') {
  const reservedAt = new Date(NOW.getTime() - minutesAgo * 60_000).toISOString();
  return usage({ activeUploads: 1, bytesInFlight: 100, bytesHeld: 100, active: { old: { size: 100, phase, reservedAt } } });
}

const writes = () => dynamo.commandCalls(UpdateCommand, USAGE).map((call) => call.args[0].input);

describe('reserveUpload', () => {
  beforeEach(() => {
    dynamo.reset();
    dynamo.on(UpdateCommand, USAGE).resolves({});
    dynamo.on(GetCommand, UPLOADS).resolves({});
    vi.restoreAllMocks();
  });

  it('writes the reservation planned from a consistent read of the user item', async () => {
    dynamo.on(GetCommand, USAGE).resolves({});

    await reserveUpload(REQUEST, LIMITS);

    expect(dynamo.commandCalls(GetCommand, USAGE)[0]?.args[0].input).toEqual({ ...USAGE, Key: { ownerId: 'owner-1' }, ConsistentRead: true });
    expect(writes()).toEqual([expect.objectContaining({ Key: { ownerId: 'owner-1' }, ConditionExpression: 'attribute_not_exists(#ownerId)' })]);
  });

  it('plans again from a fresh read when another writer changed the item in between', async () => {
    dynamo.on(GetCommand, USAGE).resolvesOnce({}).resolves(usage({ uploadsThisHour: 1 }));
    dynamo.on(UpdateCommand, USAGE).rejectsOnce(conflict()).resolves({});

    await reserveUpload(REQUEST, LIMITS);

    expect(writes().map((write) => write.ConditionExpression)).toEqual([
      'attribute_not_exists(#ownerId)',
      expect.stringContaining('#activeUploads < :maxActive'),
    ]);
  });

  it("takes a rejected write whose share is there on the next read for its own (the SDK's retry of an applied write)", async () => {
    dynamo.on(GetCommand, USAGE).resolvesOnce({}).resolves(usage({ activeUploads: 1, active: { new: { size: 100, phase: 'initiated', reservedAt: NOW.toISOString() } } }));
    dynamo.on(UpdateCommand, USAGE).rejects(conflict());

    await reserveUpload(REQUEST, LIMITS);

    expect(writes()).toHaveLength(1);
  });

  it('refuses at a quota, having written nothing, when every share belongs to an unfinished upload', async () => {
    dynamo.on(GetCommand, UPLOADS).resolves({ Item: { uploadId: 'old', ownerId: 'owner-1', status: 'uploaded', usageTracked: true, size: 100 } });
    // `uploaded` while the share is still `initiated`: the share is completed first, which frees no unfinished upload.
    dynamo.on(GetCommand, USAGE).resolvesOnce(withShare(60)).resolvesOnce(withShare(60)).resolves(withShare(60, 'completed'));

    await expect(reserveUpload(REQUEST, LIMITS)).rejects.toThrow(QuotaExceededError);

    expect(writes().map((write) => write.UpdateExpression)).toEqual([
      'SET #active.#upload.#phase = :completed, #updatedAt = :now ADD #bytesInFlight :minusSize',
    ]);
  });

  it('drops the share of a create that died (no record, reserved over 5 minutes ago), then reserves', async () => {
    dynamo.on(GetCommand, USAGE).resolvesOnce(withShare(6)).resolvesOnce(withShare(6)).resolves(usage());
    vi.spyOn(logger, 'warn').mockImplementation(() => undefined);

    await reserveUpload(REQUEST, LIMITS);

    expect(dynamo.commandCalls(GetCommand, UPLOADS)[0]?.args[0].input.Key).toEqual({ uploadId: 'old' });
    expect(writes().map((write) => write.UpdateExpression)).toEqual([
      'REMOVE #active.#upload SET #updatedAt = :now ADD #activeUploads :minusOne, #bytesInFlight :minusSize, #bytesHeld :minusSize',
      expect.stringMatching(/^SET #active\.#upload = :share/),
    ]);
    expect(writes()[0]?.ExpressionAttributeNames?.['#upload']).toBe('old');
  });

  it('leaves a share without a record alone while its create may still be running, and refuses', async () => {
    dynamo.on(GetCommand, USAGE).resolves(withShare(4));

    await expect(reserveUpload(REQUEST, LIMITS)).rejects.toThrow('You have 1 unfinished uploads and the limit is 1 per user');

    expect(writes()).toEqual([]);
  });

  it('releases the share of an upload cancelled while its settling was lost, then reserves', async () => {
    dynamo.on(GetCommand, USAGE).resolvesOnce(withShare(60)).resolvesOnce(withShare(60)).resolves(usage());
    dynamo.on(GetCommand, UPLOADS).resolves({ Item: { uploadId: 'old', ownerId: 'owner-1', status: 'cancelled', usageTracked: true, size: 100 } });
    vi.spyOn(logger, 'warn').mockImplementation(() => undefined);

    await reserveUpload(REQUEST, LIMITS);

    expect(writes()).toHaveLength(2);
    expect(writes()[0]?.UpdateExpression).toMatch(/^REMOVE #active\.#upload/);
  });

  it('refuses the hourly limit without reading any record: only finishing uploads frees a quota', async () => {
    dynamo.on(GetCommand, USAGE).resolves(usage({ uploadsThisHour: 3 }));

    await expect(reserveUpload(REQUEST, LIMITS)).rejects.toThrow(RateLimitedError);

    expect(dynamo.commandCalls(GetCommand, UPLOADS)).toEqual([]);
    expect(writes()).toEqual([]);
  });

  it('gives up with a plain error (a 500) when the item changed under each of 8 attempts', async () => {
    dynamo.on(GetCommand, USAGE).resolves({});
    dynamo.on(UpdateCommand, USAGE).rejects(conflict());

    await expect(reserveUpload(REQUEST, LIMITS)).rejects.toThrow('changed under each of 8 attempts to reserve upload new');
    expect(writes()).toHaveLength(8);
  });
});

describe('releaseReservation', () => {
  beforeEach(() => {
    dynamo.reset();
    dynamo.on(UpdateCommand, USAGE).resolves({});
    dynamo.on(GetCommand, USAGE).resolves(withShare(0));
  });

  it('drops the share of a create that wrote no record', async () => {
    dynamo.on(GetCommand, UPLOADS).resolves({});

    await releaseReservation('owner-1', 'old', NOW);

    expect(writes()).toEqual([expect.objectContaining({ UpdateExpression: expect.stringMatching(/^REMOVE #active\.#upload/) })]);
  });

  it("keeps the share when the user's record was written after all: its states settle it", async () => {
    dynamo.on(GetCommand, UPLOADS).resolves({ Item: { uploadId: 'old', ownerId: 'owner-1', status: 'initiated' } });

    await releaseReservation('owner-1', 'old', NOW);

    expect(writes()).toEqual([]);
  });
});
