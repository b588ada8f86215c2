import * as z from 'zod/mini';
import { parseConfig } from './validation/parseConfig.js';

/**
 * What happens to the original of a `ready` upload: `keep` it where it is, `archive` it (an S3
 * lifecycle rule moves it to a cheaper storage class; nothing at run time changes), or `delete`
 * it once processing is done (the retention job).
 */
export const READY_ORIGINAL_ACTIONS = ['keep', 'archive', 'delete'] as const;
export type ReadyOriginalAction = (typeof READY_ORIGINAL_ACTIONS)[number];

/**
 * The retention rules the functions apply, in seconds. The CDK construct (lib/UploadRetention.ts)
 * derives them from the `retention` props and passes them as `RETENTION_SETTINGS` (JSON) to the
 * retention job and to every function that writes upload records; local mode sets its own.
 */
export interface RetentionSettings {
  readonly readyOriginals: ReadyOriginalAction;
  /** How long after an upload failed its original and any outputs are deleted. */
  readonly failedUploadsSeconds: number;
  /** How long after an upload was cancelled, expired or failed its record is removed (the table's TTL). */
  readonly recordsSeconds: number;
}

/** What a function that is given no `RETENTION_SETTINGS` applies: the construct's defaults. */
export const DEFAULT_RETENTION_SETTINGS: RetentionSettings = {
  readyOriginals: 'keep',
  failedUploadsSeconds: 7 * 86_400,
  recordsSeconds: 30 * 86_400,
};

/**
 * The Uploads table's TTL attribute (epoch seconds): `transition` sets it when a record becomes
 * `cancelled`, `expired` or `failed`, and DynamoDB removes the record after it (local mode's
 * retention job does, for the emulator that has no TTL).
 */
export const RECORD_TTL_ATTRIBUTE = 'removeAt';

/**
 * Sparse GSI for the retention job: only records whose original the job still has to delete
 * carry `pendingRetention` (`failed` ones, and `ready` ones when ready originals are deleted),
 * their status as partition, so the job queries one status at a time, oldest write first
 * (sort key `updatedAt`: for a final record, when it reached its state), without a scan.
 */
export const BY_PENDING_RETENTION_INDEX = 'byPendingRetention';

/** The statuses whose records wait in the index for the job. */
export type PendingRetentionStatus = 'ready' | 'failed';

const RetentionSettingsSchema = z.strictObject({
  readyOriginals: z.enum(READY_ORIGINAL_ACTIONS),
  failedUploadsSeconds: z.int().check(z.positive()),
  recordsSeconds: z.int().check(z.positive()),
});

/** The settings in `value`; throws a ConfigError naming the bad field. */
export function parseRetentionSettings(value: unknown, source = 'retention settings'): RetentionSettings {
  return parseConfig(RetentionSettingsSchema, value, source);
}
