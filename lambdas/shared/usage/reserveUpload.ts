import { QuotaExceededError } from '../errors.js';
import { findUploadRecord } from '../getUploadRecord.js';
import { healShares } from './healShares.js';
import { planReservation, type ReservationRequest } from './planReservation.js';
import { planShareChange } from './shareChanges.js';
import { changeUsage, readUsage, writeUsage } from './usageTable.js';
import type { UsageLimits } from './UserUsage.js';

/** Reservations tried at most, each from a fresh read; one fails only when another writer got in first. */
const MAX_ATTEMPTS = 8;

/**
 * Reserves a new upload's share of its owner's usage before anything else is created for it,
 * or throws the refusal (403 `QUOTA_EXCEEDED`, 429 `RATE_LIMITED`) having written nothing.
 * Exact under concurrency: the write is conditional on every limit (see `planReservation`).
 * Before refusing for a quota, the user's shares are checked once against their records
 * (`healShares`), so a share a lost write left behind does not refuse the upload.
 */
export async function reserveUpload(request: ReservationRequest, limits: UsageLimits): Promise<void> {
  let healed = false;
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt += 1) {
    const usage = await readUsage(request.ownerId);
    const plan = planReservation(usage, request, limits);
    if (plan.kind === 'held') return;
    if (plan.kind === 'write') {
      if (await writeUsage(request.ownerId, plan.change)) return;
      continue;
    }
    if (healed || usage === undefined || !(plan.error instanceof QuotaExceededError)) throw plan.error;
    healed = true;
    if (!(await healShares(usage, request.now))) throw plan.error;
  }
  throw new Error(`The usage of ${request.ownerId} changed under each of ${MAX_ATTEMPTS} attempts to reserve upload ${request.uploadId}`);
}

/**
 * Gives back the share of a create that failed after its reservation. A record written all the
 * same (its put applied, its answer lost) owns the share from then on, and its own states
 * settle it, so the share is only dropped while the user has no record under that id.
 */
export async function releaseReservation(ownerId: string, uploadId: string, now: Date = new Date()): Promise<void> {
  if ((await findUploadRecord(uploadId))?.ownerId === ownerId) return;
  await changeUsage(ownerId, (usage) => planShareChange(usage, uploadId, 'dropped', now));
}
