import { logger } from '../logger.js';
import type { StateChange } from '../stateChanges.js';
import type { UploadRecord, UploadStatus } from '../uploadRecord.js';
import { planShareChange, planShareResize, planStoredRelease, type ShareChange } from './shareChanges.js';
import { changeUsage } from './usageTable.js';

/** What each state means for the upload's share (none for `initiated`: the reservation made it). */
const SHARE_CHANGES: Readonly<Record<UploadStatus, ShareChange | undefined>> = {
  initiated: undefined,
  uploaded: 'completed',
  // Normally settled at `uploaded` already; a claim repeats it in case that settling was lost.
  processing: 'completed',
  ready: 'kept',
  failed: 'kept',
  cancelled: 'dropped',
  expired: 'dropped',
};

/**
 * Brings the share of a tracked upload in line with the state its record is in. Safe to repeat
 * and to race: the change applies once. Resolves true when this call changed the counters.
 */
export async function settleShare(record: UploadRecord, now: Date = new Date()): Promise<boolean> {
  const change = SHARE_CHANGES[record.status];
  if (record.usageTracked !== true || change === undefined) return false;
  return changeUsage(record.ownerId, (usage) => planShareChange(usage, record.uploadId, change, now));
}

/**
 * Settles the owner's usage after a state write, from the writer that won it (`transition`
 * calls it), so every state that ends or completes an upload releases its share without the
 * writer having to remember. Progress writes within a state change nothing. A failure is
 * logged, never thrown: the state is written and stays; the share is settled again at the
 * owner's next refused create or at the upload's delete (docs/architecture.md, Per-user limits).
 */
export async function settleUsage({ previousStatus, record }: StateChange): Promise<void> {
  if (record.status === previousStatus) return;
  try {
    await settleShare(record);
  } catch (error) {
    logger.error('Could not settle the owner usage after a state change; it is settled again later', {
      uploadId: record.uploadId,
      ownerId: record.ownerId,
      status: record.status,
      error: error as Error,
    });
  }
}

/**
 * Before a finished upload's record is deleted (or, for a failed one, its bytes by the retention
 * job): settles a share a crashed writer left behind, then releases the bytes a `ready` or
 * `failed` upload held. Throws on failure, so the delete
 * stops before the record goes and a retried delete does it again (each step applies once).
 */
export async function releaseRemovedUpload(record: UploadRecord, now: Date = new Date()): Promise<void> {
  // The retention job released it when it deleted the upload's bytes; `released` may have forgotten the id since.
  if (record.usageTracked !== true || record.usageReleased === true) return;
  await settleShare(record, now);
  if (SHARE_CHANGES[record.status] === 'kept') {
    await changeUsage(record.ownerId, (usage) => planStoredRelease(usage, record.uploadId, record.size, now));
  }
}

/**
 * Before an upload that declared no size is completed: its share, which reserved the size limit,
 * is set to the size S3 holds (`planShareResize`). Throws on failure, so the complete stops
 * before the record is sized and a retry does it again (a repeat changes nothing).
 */
export async function resizeShare(record: UploadRecord, size: number, now: Date = new Date()): Promise<void> {
  if (record.usageTracked !== true) return;
  await changeUsage(record.ownerId, (usage) => planShareResize(usage, record.uploadId, size, now));
}
