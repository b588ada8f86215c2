import { randomUUID } from 'node:crypto';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { retentionSettings, uploadsTableName } from './config.js';
import { dynamo } from './dynamo.js';
import { InvalidStateError, NotFoundError } from './errors.js';
import { findUploadRecord } from './getUploadRecord.js';
import { logger } from './logger.js';
import { isPendingProcessing } from './pendingProcessing.js';
import { RECORD_TTL_ATTRIBUTE } from './retentionSettings.js';
import { notifyStateChange } from './stateChanges.js';
import { FINAL_STATUSES, type UploadRecord, type UploadStatus } from './uploadRecord.js';
import { settleUsage } from './usage/settleUsage.js';

/** Fields a transition may set; `null` removes the attribute (e.g. `progress` on leaving `processing`). */
export type TransitionPatch = {
  readonly [K in keyof UploadRecord as K extends
    | 'uploadId'
    | 'ownerId'
    | 'status'
    | 'updatedAt'
    | 'pendingExpiry'
    | 'pendingProcessing'
    | 'writeId'
    | 'usageTracked'
    | 'seq'
    | 'unfinishedOwner'
    | 'previousStatus'
    | 'removeAt'
    ? never
    : K]?: UploadRecord[K] | null;
};

export interface TransitionOptions {
  /** When set, the write only happens if the record belongs to this owner (otherwise NotFound). */
  readonly ownerId?: string;
  /** Clock for `updatedAt`; tests fix it. */
  readonly now?: Date;
  /**
   * When set, the write only happens if the record's last write is the one that left this
   * `writeId`: for a writer that decided from an earlier read (the sweep, from its index), so
   * that any write made since (a processing run's claim or progress) wins instead.
   */
  readonly ifWriteId?: string;
  /**
   * When set, the write only happens while the record's `progress` is absent or below this:
   * for progress that arrives out of order (MediaConvert's events), so it never goes back.
   */
  readonly ifProgressBelow?: number;
  /** When true, the write only happens while no complete is under way (`completingSince` absent): Companion's DELETE. */
  readonly unlessCompleting?: boolean;
}

const tableName = uploadsTableName();

/**
 * Moves an upload from one of `from` to `to` with one conditional update, so states never go
 * backwards, two writers never both win, and a replayed event is rejected instead of applied
 * twice. `from` may equal `to` for progress updates within a state. After the write, every
 * state-change listener hears of it (local mode's live-progress publisher; on AWS the table's
 * stream) and the winner settles the owner's usage (a completed upload's bytes stop being in
 * flight, a finished one releases its share), so no writer can forget either. Entering
 * `cancelled`, `expired` or `failed` stamps the record's removal time (`removeAt`, the table's
 * TTL), and entering a state whose original the retention job deletes puts it in the job's index
 * (`RETENTION_SETTINGS`, lambdas/shared/retentionSettings.ts): no writer can forget those either.
 *
 * Throws NotFoundError when the upload does not exist (or is another owner's) and
 * InvalidStateError, carrying the current status, when it is in none of `from` (or, with
 * `ifWriteId`, was written since). A rejection of the SDK's retry of this very write (applied
 * by an attempt whose answer was lost) is recognised by the write's own `writeId` and returns
 * the record like a success.
 */
export async function transition(
  uploadId: string,
  from: UploadStatus | readonly UploadStatus[],
  to: UploadStatus,
  patch: TransitionPatch = {},
  options: TransitionOptions = {},
): Promise<UploadRecord> {
  const fromStatuses: readonly UploadStatus[] = typeof from === 'string' ? [from] : from;
  if (fromStatuses.length === 0) throw new TypeError('transition needs at least one from-status');

  const writeId = randomUUID();
  const now = options.now ?? new Date();
  const names: Record<string, string> = { '#status': 'status', '#updatedAt': 'updatedAt', '#writeId': 'writeId', '#previousStatus': 'previousStatus' };
  const values: Record<string, unknown> = { ':to': to, ':now': now.toISOString(), ':writeId': writeId };
  // Operands are read from the item before the update, so this keeps the status the write
  // found: with `from` listing several, the write itself is the only one that knows which.
  const sets = ['#previousStatus = #status', '#status = :to', '#updatedAt = :now', '#writeId = :writeId'];
  // Every write moves `seq` on, so live-progress clients can put what they hear in order.
  names['#seq'] = 'seq';
  values[':one'] = 1;
  const removes: string[] = [];
  if (to !== 'initiated') {
    // Leaving `initiated` drops the upload out of the sparse expiry index.
    names['#pendingExpiry'] = 'pendingExpiry';
    removes.push('#pendingExpiry');
  }
  // A finished upload leaves the sparse index of its owner's unfinished ones (live progress's snapshot).
  if (FINAL_STATUSES.includes(to)) {
    names['#unfinishedOwner'] = 'unfinishedOwner';
    removes.push('#unfinishedOwner');
  }
  // Only `uploaded` and `processing` uploads sit in the sparse sweep index, under their status.
  names['#pendingProcessing'] = 'pendingProcessing';
  if (isPendingProcessing(to)) sets.push('#pendingProcessing = :to');
  else removes.push('#pendingProcessing');
  // Only a `processing` upload can have a MediaConvert job running (the periodic job's sparse index).
  if (fromStatuses.includes('processing') && to !== 'processing' && patch.runningJob === undefined) {
    names['#runningJob'] = 'runningJob';
    removes.push('#runningJob');
  }
  // `media` names published outputs: a processing upload's early ones (its poster), a ready
  // upload's all. An upload that ends any other way has its outputs removed, so its media goes too.
  if (FINAL_STATUSES.includes(to) && to !== 'ready' && patch.media === undefined) {
    names['#media'] = 'media';
    removes.push('#media');
  }
  // Retention (lambdas/shared/retentionSettings.ts), decided once, on entering the state: an
  // upload that ended without media gets its record's removal time; one whose original the
  // retention job is to delete joins the job's sparse index.
  if (!fromStatuses.includes(to)) {
    const retention = retentionSettings();
    if (to === 'failed' || to === 'cancelled' || to === 'expired') {
      names['#removeAt'] = RECORD_TTL_ATTRIBUTE;
      values[':removeAt'] = Math.floor(now.getTime() / 1000) + retention.recordsSeconds;
      sets.push('#removeAt = :removeAt');
    }
    if (patch.pendingRetention === undefined && (to === 'failed' || (to === 'ready' && retention.readyOriginals === 'delete'))) {
      names['#pendingRetention'] = 'pendingRetention';
      values[':pendingRetention'] = to;
      sets.push('#pendingRetention = :pendingRetention');
    }
  }

  Object.entries(patch).forEach(([field, value], index) => {
    if (value === undefined) return;
    names[`#p${index}`] = field;
    if (value === null) {
      removes.push(`#p${index}`);
    } else {
      values[`:p${index}`] = value;
      sets.push(`#p${index} = :p${index}`);
    }
  });

  const fromPlaceholders = fromStatuses.map((status, index) => {
    values[`:from${index}`] = status;
    return `:from${index}`;
  });
  let condition = `#status IN (${fromPlaceholders.join(', ')})`;
  if (options.ownerId !== undefined) {
    names['#ownerId'] = 'ownerId';
    values[':ownerId'] = options.ownerId;
    condition += ' AND #ownerId = :ownerId';
  }
  if (options.ifWriteId !== undefined) {
    values[':ifWriteId'] = options.ifWriteId;
    condition += ' AND #writeId = :ifWriteId';
  }
  if (options.ifProgressBelow !== undefined) {
    names['#progress'] = 'progress';
    values[':ifProgressBelow'] = options.ifProgressBelow;
    condition += ' AND (attribute_not_exists(#progress) OR #progress < :ifProgressBelow)';
  }

  if (options.unlessCompleting === true) {
    names['#completingSince'] = 'completingSince';
    condition += ' AND attribute_not_exists(#completingSince)';
  }

  let record: UploadRecord;
  try {
    const result = await dynamo.send(
      new UpdateCommand({
        TableName: tableName,
        Key: { uploadId },
        UpdateExpression: `SET ${sets.join(', ')}${removes.length > 0 ? ` REMOVE ${removes.join(', ')}` : ''} ADD #seq :one`,
        ConditionExpression: condition,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
        ReturnValues: 'ALL_NEW',
      }),
    );
    record = result.Attributes as UploadRecord;
  } catch (error) {
    if (!(error instanceof ConditionalCheckFailedException)) throw error;
    const current = await findUploadRecord(uploadId);
    if (current?.writeId !== writeId) throw rejection(uploadId, current, fromStatuses, to, options, error);
    record = current;
  }

  const previousStatus = fromStatuses.length === 1 ? fromStatuses[0] : undefined;
  // Listeners first: they hear writes in the order DynamoDB applied them (local mode's stand-in
  // for the table's stream queues them as it hears them), not after however long settling took.
  await notifyStateChange({ previousStatus, record }, (error) =>
    logger.warn('A state-change listener failed; the state was written', { uploadId, status: to, error }),
  );
  await settleUsage({ previousStatus, record });
  return record;
}

/** Why the condition failed, from the item as it is now: missing, someone else's, written since, or in another state. */
function rejection(
  uploadId: string,
  current: UploadRecord | undefined,
  from: readonly UploadStatus[],
  to: UploadStatus,
  options: TransitionOptions,
  cause: unknown,
): Error {
  if (!current || (options.ownerId !== undefined && current.ownerId !== options.ownerId)) {
    return new NotFoundError(`Upload ${uploadId} was not found`, { cause });
  }
  if (options.ifWriteId !== undefined && from.includes(current.status) && current.writeId !== options.ifWriteId) {
    return new InvalidStateError(
      `Upload ${uploadId} was written since write ${options.ifWriteId} (it is ${current.status}); not moving it to ${to}`,
      current.status,
      { cause },
    );
  }
  if (options.unlessCompleting === true && from.includes(current.status) && current.completingSince !== undefined) {
    return new InvalidStateError(
      `Upload ${uploadId} is being completed since ${current.completingSince}; not moving it to ${to}`,
      current.status,
      { cause },
    );
  }
  if (options.ifProgressBelow !== undefined && from.includes(current.status)) {
    return new InvalidStateError(
      `Upload ${uploadId} is already at ${current.progress ?? 0}% progress; not moving it back to ${options.ifProgressBelow}%`,
      current.status,
      { cause },
    );
  }
  return new InvalidStateError(
    `Upload ${uploadId} is ${current.status}; it must be ${from.join(' or ')} to become ${to}`,
    current.status,
    { cause },
  );
}
