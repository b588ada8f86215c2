/**
 * The names of the Uploads table's indexes that functions query. They live on the runtime side
 * so no function imports from lib/; lib/uploadsTableSchema.ts builds the table from them.
 */

/** GSI for `GET /uploads` and the live-progress snapshot: an owner's uploads, newest first. */
export const BY_OWNER_INDEX = 'byOwner';

/**
 * Sparse GSI for the expiry job: only `initiated` records carry `pendingExpiry`, so the job
 * queries just the uploads that can still expire, oldest deadline first, without a scan.
 */
export const BY_PENDING_EXPIRY_INDEX = 'byPendingExpiry';

/** The value of `pendingExpiry` on every `initiated` record (the sparse index's one partition). */
export const PENDING_EXPIRY_PARTITION = 'initiated';
