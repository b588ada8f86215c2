import { findUploadRecord } from '../getUploadRecord.js';
import { logger } from '../logger.js';
import { settleShare } from './settleUsage.js';
import { planShareChange } from './shareChanges.js';
import { changeUsage } from './usageTable.js';
import type { UserUsage } from './UserUsage.js';

/** Shares checked per refused create at most, oldest first: each costs a read of its record. */
export const MAX_SHARES_CHECKED = 25;

/**
 * How long a share may exist without a record before it counts as left by a create that died:
 * the create writes its record within its own run (API functions stop after at most 30 s).
 */
export const ORPHANED_SHARE_AGE_MS = 5 * 60_000;

/**
 * Checks the user's shares against their records and settles each that a lost write left
 * behind: a record that moved on while its share did not (the settling after a state write
 * failed or its function died), or no record of the user's at all (a create that died after
 * its reservation). Called when a create is refused for a quota, so drift never refuses an upload
 * that the real figures allow. Resolves true when it changed anything.
 */
export async function healShares(usage: UserUsage, now: Date): Promise<boolean> {
  const shares = Object.entries(usage.active)
    .sort(([, a], [, b]) => a.reservedAt.localeCompare(b.reservedAt))
    .slice(0, MAX_SHARES_CHECKED);
  const healed = await Promise.all(
    shares.map(async ([uploadId, share]) => {
      const record = await findUploadRecord(uploadId);
      if (record?.ownerId === usage.ownerId) return settleShare(record, now);
      if (now.getTime() - Date.parse(share.reservedAt) < ORPHANED_SHARE_AGE_MS) return false;
      return changeUsage(usage.ownerId, (current) => planShareChange(current, uploadId, 'dropped', now));
    }),
  );
  const count = healed.filter(Boolean).length;
  if (count > 0) logger.warn('Settled shares that lost writes had left behind', { ownerId: usage.ownerId, count });
  return count > 0;
}
