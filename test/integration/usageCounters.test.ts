import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeleteCommand, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type DynamoEmulator, startDynamoEmulator } from '../../local/dynamodb/startDynamoEmulator.js';
import { LOCAL_ACCESS_KEY_ID, LOCAL_REGION, type LocalCredentials } from '../../local/localDefaults.js';
import { USAGE_TABLE_SCHEMA } from '../../lib/usageTableSchema.js';
import { UPLOADS_TABLE_SCHEMA } from '../../lib/uploadsTableSchema.js';
import type { UploadRecord, UploadStatus } from '../../lambdas/shared/uploadRecord.js';
import type { UsageLimits, UserUsage } from '../../lambdas/shared/usage/UserUsage.js';

/** Any key pair signs requests here: dynalite checks no signature. */
const CREDENTIALS: LocalCredentials = { accessKeyId: LOCAL_ACCESS_KEY_ID, secretAccessKey: 'test-secret' };

/**
 * A property test of the usage counters against the DynamoDB emulator (real conditional
 * writes): random sequences of creates (some in concurrent bursts), completes, claims, ready,
 * failures, cancels, expiries and deletes, with retried deletes and replayed settlings, run
 * through the same functions the handlers call. Without faults the counters equal what a model
 * of the uploads adds up to after every step, and every refusal is the one the model predicts.
 * With faults injected (a create that dies after its reservation, a state write whose settling
 * is lost) the counters never go negative, and once the shares are healed and every upload is
 * deleted they are all zero again: nothing drifts for good.
 */

const UPLOADS_TABLE = 'property-uploads';
const USAGE_TABLE = 'property-usage';
const LIMITS: UsageLimits = {
  maxActiveUploadsPerUser: 3,
  maxBytesInFlightPerUser: 10_000,
  maxStoredBytesPerUser: 25_000,
  maxUploadsPerHourPerUser: 12,
};
/** Half past an hour: a create that died 10 minutes before still counts in the same hour. */
const NOW = new Date('2030-01-01T10:30:00.000Z');
const USERS = ['ann', 'ben'] as const;

type Modules = Awaited<ReturnType<typeof load>>;

async function load() {
  const [reserve, settle, heal, transition, create, table, dynamoModule, errors, logger] = await Promise.all([
    import('../../lambdas/shared/usage/reserveUpload.js'),
    import('../../lambdas/shared/usage/settleUsage.js'),
    import('../../lambdas/shared/usage/healShares.js'),
    import('../../lambdas/shared/transition.js'),
    import('../../lambdas/shared/createUploadRecord.js'),
    import('../../lambdas/shared/usage/usageTable.js'),
    import('../../lambdas/shared/dynamo.js'),
    import('../../lambdas/shared/errors.js'),
    import('../../lambdas/shared/logger.js'),
  ]);
  return {
    ...reserve,
    ...settle,
    ...heal,
    ...transition,
    ...create,
    ...table,
    dynamo: dynamoModule.dynamo,
    QuotaExceededError: errors.QuotaExceededError,
    RateLimitedError: errors.RateLimitedError,
    InvalidStateError: errors.InvalidStateError,
    logger: logger.logger,
  };
}

let emulator: DynamoEmulator;
let dataDir: string;
let m: Modules;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'usage-counters-'));
  emulator = await startDynamoEmulator({
    host: '127.0.0.1',
    port: 0,
    directory: dataDir,
    tables: [
      { name: UPLOADS_TABLE, schema: UPLOADS_TABLE_SCHEMA },
      { name: USAGE_TABLE, schema: USAGE_TABLE_SCHEMA },
    ],
    region: LOCAL_REGION,
    credentials: CREDENTIALS,
  });
  // The modules read their configuration once, when imported.
  Object.assign(process.env, {
    UPLOADS_TABLE,
    USAGE_TABLE,
    DYNAMODB_ENDPOINT: emulator.endpoint,
    AWS_REGION: LOCAL_REGION,
    AWS_ACCESS_KEY_ID: CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: CREDENTIALS.secretAccessKey,
    POWERTOOLS_LOG_LEVEL: 'ERROR',
  });
  m = await load();
});

afterAll(async () => {
  m?.dynamo.destroy();
  await emulator?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

type Op =
  | { readonly kind: 'create'; readonly user: number; readonly size: number; readonly burst: number }
  | { readonly kind: 'move'; readonly pick: number; readonly from: readonly UploadStatus[]; readonly to: UploadStatus }
  | { readonly kind: 'delete'; readonly pick: number }
  | { readonly kind: 'repeat'; readonly pick: number }
  | { readonly kind: 'createDies'; readonly user: number; readonly size: number }
  | { readonly kind: 'settlingLost'; readonly pick: number; readonly to: UploadStatus };

/** The writers of the pipeline, by the transition each makes. */
const MOVES: readonly { readonly from: readonly UploadStatus[]; readonly to: UploadStatus }[] = [
  { from: ['initiated'], to: 'uploaded' }, // complete, or processing's claim of a completed original
  { from: ['uploaded'], to: 'processing' }, // claim
  { from: ['processing'], to: 'ready' },
  { from: ['processing'], to: 'failed' }, // processing fails the file
  { from: ['uploaded', 'processing'], to: 'failed' }, // the dead-letter function
  { from: ['initiated'], to: 'failed' }, // complete finds a size mismatch
  { from: ['initiated', 'uploaded', 'processing'], to: 'cancelled' }, // DELETE of an unfinished upload
  { from: ['initiated'], to: 'expired' }, // the expiry job
];

const size = fc.integer({ min: 1, max: 6_000 });
const pick = fc.nat();
const user = fc.integer({ min: 0, max: USERS.length - 1 });
const fairOp: fc.Arbitrary<Op> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('create' as const), user, size, burst: fc.integer({ min: 1, max: 4 }) }) },
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('move' as const), pick, move: fc.constantFrom(...MOVES) }).map(({ kind, pick, move }) => ({ kind, pick, ...move })) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('delete' as const), pick }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('repeat' as const), pick }) },
);
const faultyOp: fc.Arbitrary<Op> = fc.oneof(
  { weight: 8, arbitrary: fairOp },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('createDies' as const), user, size }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('settlingLost' as const), pick, to: fc.constantFrom<UploadStatus>('uploaded', 'ready', 'failed', 'cancelled', 'expired') }) },
);

const ACTIVE: readonly UploadStatus[] = ['initiated', 'uploaded', 'processing'];
const KEPT: readonly UploadStatus[] = ['uploaded', 'processing', 'ready', 'failed'];

interface ModelUpload {
  readonly uploadId: string;
  readonly ownerId: string;
  readonly size: number;
  status: UploadStatus;
}

/** One run: its own users, so runs never share an item. */
class Run {
  readonly owners = USERS.map((name) => `${name}-${randomUUID().slice(0, 8)}`);
  readonly uploads: ModelUpload[] = [];
  readonly created = new Map<string, number>();
  /** Records removed, as they were: a retried delete replays its release with one. */
  readonly removed: UploadRecord[] = [];
  faulty = false;

  /** What the model says the owner's counters are. */
  expected(ownerId: string) {
    const mine = this.uploads.filter((upload) => upload.ownerId === ownerId);
    const sum = (statuses: readonly UploadStatus[]) => mine.filter((upload) => statuses.includes(upload.status)).reduce((total, upload) => total + upload.size, 0);
    return {
      activeUploads: mine.filter((upload) => ACTIVE.includes(upload.status)).length,
      bytesInFlight: sum(['initiated']),
      storedBytes: sum(KEPT),
      uploadsThisHour: this.created.get(ownerId) ?? 0,
    };
  }

  async apply(op: Op): Promise<void> {
    switch (op.kind) {
      case 'create':
        return this.create(this.owners[op.user]!, op.size, op.burst);
      case 'move':
        return this.move(op);
      case 'delete':
        return this.remove(op.pick);
      case 'repeat':
        return this.repeat(op.pick);
      case 'createDies':
        return this.createDies(this.owners[op.user]!, op.size);
      case 'settlingLost':
        return this.settlingLost(op.pick, op.to);
    }
  }

  private async create(ownerId: string, size: number, burst: number): Promise<void> {
    const before = this.expected(ownerId);
    const outcomes = await Promise.all(
      Array.from({ length: burst }, async () => {
        const uploadId = randomUUID();
        try {
          await m.reserveUpload({ ownerId, uploadId, size, now: NOW }, LIMITS);
        } catch (error) {
          if (error instanceof m.QuotaExceededError || error instanceof m.RateLimitedError) return error;
          throw error;
        }
        await m.createUploadRecord(record(uploadId, ownerId, size));
        this.uploads.push({ uploadId, ownerId, size, status: 'initiated' });
        this.created.set(ownerId, (this.created.get(ownerId) ?? 0) + 1);
        return uploadId;
      }),
    );
    if (this.faulty) return;
    // Exactly as many as the room the model had: concurrent reservations neither overshoot nor refuse early.
    const room = Math.max(
      0,
      Math.min(
        LIMITS.maxActiveUploadsPerUser - before.activeUploads,
        Math.floor((LIMITS.maxBytesInFlightPerUser - before.bytesInFlight) / size),
        Math.floor((LIMITS.maxStoredBytesPerUser - before.storedBytes - before.bytesInFlight) / size),
        LIMITS.maxUploadsPerHourPerUser - before.uploadsThisHour,
      ),
    );
    expect(outcomes.filter((outcome) => typeof outcome === 'string')).toHaveLength(Math.min(room, burst));
  }

  private async move(op: Extract<Op, { kind: 'move' }>): Promise<void> {
    const upload = this.pick(op.pick);
    if (!upload) return;
    const won = op.from.includes(upload.status);
    const outcome = await m.transition(upload.uploadId, op.from, op.to).catch((error: unknown) => error);
    if (won) {
      expect(outcome).toMatchObject({ status: op.to });
      upload.status = op.to;
    } else {
      // The loser of a transition writes nothing and settles nothing.
      expect(outcome).toBeInstanceOf(m.InvalidStateError);
    }
  }

  /**
   * DELETE: cancels an unfinished upload; removes a finished one, its usage released before its
   * record goes. Two DELETEs of it run at once, as when a client retries one that seems slow.
   */
  private async remove(index: number): Promise<void> {
    const upload = this.pick(index);
    if (!upload) return;
    if (ACTIVE.includes(upload.status)) {
      await m.transition(upload.uploadId, ACTIVE, 'cancelled');
      upload.status = 'cancelled';
      return;
    }
    const stored = await this.stored(upload.uploadId);
    await Promise.all([m.releaseRemovedUpload(stored), m.releaseRemovedUpload(stored)]);
    await m.dynamo.send(new DeleteCommand({ TableName: UPLOADS_TABLE, Key: { uploadId: upload.uploadId } }));
    this.removed.push(stored);
    this.uploads.splice(this.uploads.indexOf(upload), 1);
  }

  /** A retried DELETE, or a redelivered event: each settles or releases an upload again. */
  private async repeat(index: number): Promise<void> {
    const removed = this.removed.length > 0 ? this.removed[index % this.removed.length] : undefined;
    if (removed) await m.releaseRemovedUpload(removed);
    const upload = this.pick(index);
    if (upload) await m.settleShare(await this.stored(upload.uploadId));
  }

  /** The create's function dies after its reservation: no record is ever written. */
  private async createDies(ownerId: string, size: number): Promise<void> {
    const earlier = new Date(NOW.getTime() - 10 * 60_000);
    await m.reserveUpload({ ownerId, uploadId: randomUUID(), size, now: earlier }, LIMITS).catch((error: unknown) => {
      if (!(error instanceof m.QuotaExceededError || error instanceof m.RateLimitedError)) throw error;
    });
  }

  /** A state write whose function dies before it settles the usage. */
  private async settlingLost(index: number, to: UploadStatus): Promise<void> {
    const upload = this.pick(index);
    if (!upload || !ACTIVE.includes(upload.status)) return;
    await m.dynamo.send(
      new UpdateCommand({
        TableName: UPLOADS_TABLE,
        Key: { uploadId: upload.uploadId },
        UpdateExpression: 'SET #status = :to REMOVE pendingExpiry',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':to': to },
      }),
    );
    upload.status = to;
  }

  private pick(index: number): ModelUpload | undefined {
    return this.uploads.length === 0 ? undefined : this.uploads[index % this.uploads.length];
  }

  private async stored(uploadId: string): Promise<UploadRecord> {
    const { Item } = await m.dynamo.send(new GetCommand({ TableName: UPLOADS_TABLE, Key: { uploadId }, ConsistentRead: true }));
    return Item as UploadRecord;
  }

  async usage(ownerId: string): Promise<UserUsage | undefined> {
    return m.readUsage(ownerId);
  }

  /** Counters never negative, and always what the shares in the item add up to. */
  async checkConsistent(): Promise<void> {
    for (const ownerId of this.owners) {
      const usage = await this.usage(ownerId);
      if (!usage) continue;
      const shares = Object.values(usage.active);
      expect(usage.activeUploads).toBe(shares.length);
      expect(usage.bytesInFlight).toBe(shares.filter((share) => share.phase === 'initiated').reduce((sum, share) => sum + share.size, 0));
      expect(usage.bytesHeld).toBeGreaterThanOrEqual(usage.bytesInFlight);
      expect(Math.min(usage.activeUploads, usage.bytesInFlight, usage.bytesHeld, usage.uploadsThisHour)).toBeGreaterThanOrEqual(0);
    }
  }

  /** Counters exactly as the model adds them up. */
  async checkExact(): Promise<void> {
    for (const ownerId of this.owners) {
      const usage = await this.usage(ownerId);
      const expected = this.expected(ownerId);
      expect({
        activeUploads: usage?.activeUploads ?? 0,
        bytesInFlight: usage?.bytesInFlight ?? 0,
        storedBytes: (usage?.bytesHeld ?? 0) - (usage?.bytesInFlight ?? 0),
        uploadsThisHour: usage?.uploadsThisHour ?? 0,
      }).toEqual(expected);
    }
  }

  /** Heals every share, then deletes every upload as the API would: everything must be back to zero. */
  async drain(): Promise<void> {
    const later = new Date(NOW.getTime() + 60 * 60_000);
    for (const ownerId of this.owners) {
      const usage = await this.usage(ownerId);
      if (usage) await m.healShares(usage, later);
    }
    while (this.uploads.length > 0) await this.remove(0);
    for (const ownerId of this.owners) {
      const usage = await this.usage(ownerId);
      expect({ active: usage?.active ?? {}, activeUploads: usage?.activeUploads ?? 0, bytesInFlight: usage?.bytesInFlight ?? 0, bytesHeld: usage?.bytesHeld ?? 0 }).toEqual({
        active: {},
        activeUploads: 0,
        bytesInFlight: 0,
        bytesHeld: 0,
      });
    }
  }
}

function record(uploadId: string, ownerId: string, size: number): UploadRecord {
  return {
    uploadId,
    ownerId,
    status: 'initiated',
    filename: 'photo.jpg',
    contentType: 'image/jpeg',
    kind: 'image',
    size,
    partSize: 5 * 1024 * 1024,
    partCount: 1,
    sourceKey: `uploads/${uploadId}/source`,
    createdAt: NOW.toISOString(),
    updatedAt: NOW.toISOString(),
    expiresAt: new Date(NOW.getTime() + 86_400_000).toISOString(),
    pendingExpiry: 'initiated',
    usageTracked: true,
  };
}

describe('usage counters (property, against the DynamoDB emulator)', () => {
  it('equal what the uploads add up to after every step, and refuse exactly what the limits refuse', async () => {
    const logged = vi.spyOn(m.logger, 'error');
    await fc.assert(
      fc.asyncProperty(fc.array(fairOp, { minLength: 1, maxLength: 25 }), async (ops) => {
        const run = new Run();
        for (const op of ops) {
          await run.apply(op);
          await run.checkConsistent();
          await run.checkExact();
        }
        await run.drain();
      }),
      { numRuns: 40 },
    );
    expect(logged).not.toHaveBeenCalled();
    logged.mockRestore();
  }, 120_000);

  it('never go negative when creates die and settlings are lost, and drift nowhere once healed and drained', async () => {
    vi.spyOn(m.logger, 'warn').mockImplementation(() => undefined);
    await fc.assert(
      fc.asyncProperty(fc.array(faultyOp, { minLength: 1, maxLength: 25 }), async (ops) => {
        const run = new Run();
        run.faulty = true;
        for (const op of ops) {
          await run.apply(op);
          await run.checkConsistent();
        }
        await run.drain();
      }),
      { numRuns: 40 },
    );
  }, 120_000);
});
