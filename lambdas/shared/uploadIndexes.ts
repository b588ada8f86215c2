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

/**
 * Sparse GSI for the live-progress snapshot of "all my uploads": only unfinished records
 * (`initiated`, `uploaded`, `processing`) carry `unfinishedOwner` (their owner's id), so the
 * newest 20 are one query of 20 items however many finished uploads the owner has.
 * `createUploadRecord` sets it and `transition` removes it when an upload finishes.
 */
export const BY_UNFINISHED_OWNER_INDEX = 'byUnfinishedOwner';

/**
 * Sparse GSI for the periodic job: only `processing` records with a MediaConvert job carry
 * `runningJob`, so it finds the jobs that have been silent (least recently written first,
 * sort key `updatedAt`) and asks MediaConvert about them, in case an event was lost.
 */
export const BY_RUNNING_JOB_INDEX = 'byRunningJob';

/** The value of `pendingExpiry` on every `initiated` record (the sparse index's one partition). */
export const PENDING_EXPIRY_PARTITION = 'initiated';
