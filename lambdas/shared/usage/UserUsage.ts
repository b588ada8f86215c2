import type { UploadPolicy } from '../mediaPolicy.js';

/** The per-user limits of the upload policy. */
export type UsageLimits = Pick<
  UploadPolicy,
  'maxActiveUploadsPerUser' | 'maxBytesInFlightPerUser' | 'maxStoredBytesPerUser' | 'maxUploadsPerHourPerUser'
>;

/**
 * One unfinished upload's share of its owner's usage. It is the idempotency key of every
 * counter change: a change applies only while the share is in the state the change expects,
 * so a repeated change (a retried request, a redelivered event, two writers) applies once.
 */
export interface UploadShare {
  /** The declared size the reservation counted, in bytes. */
  readonly size: number;
  /** `initiated` while the bytes are in flight; `completed` once the original is in S3. */
  readonly phase: 'initiated' | 'completed';
  /** When the reservation was made (ISO-8601). */
  readonly reservedAt: string;
}

/**
 * A user's item in the Usage table. The counters are kept equal to what the shares and the
 * user's kept uploads add up to:
 * - `activeUploads`: the number of shares (uploads `initiated`, `uploaded` or `processing`);
 * - `bytesInFlight`: the sizes of `initiated` shares;
 * - `bytesHeld`: `bytesInFlight` plus the sizes of `completed` shares and of the user's
 *   `ready` and `failed` uploads not yet deleted. The stored-bytes limit is checked against
 *   it, so the uploads in flight can always complete within the limit.
 */
export interface UserUsage {
  readonly ownerId: string;
  readonly activeUploads: number;
  readonly bytesInFlight: number;
  readonly bytesHeld: number;
  /** The clock hour `uploadsThisHour` counts, in whole hours since the epoch (UTC). */
  readonly hour: number;
  readonly uploadsThisHour: number;
  /** The shares of unfinished uploads, by upload id. */
  readonly active: Readonly<Record<string, UploadShare>>;
  /**
   * Uploads whose kept bytes a delete released, by upload id, with when (epoch milliseconds):
   * a retried or concurrent delete of the same upload finds its id and releases nothing twice.
   * Only the latest `RELEASES_REMEMBERED` are kept, so the item stays small.
   */
  readonly released: Readonly<Record<string, number>>;
  readonly updatedAt: string;
}

/** What the user's usage is, in the terms of the limits. */
export interface UsageFigures {
  readonly activeUploads: number;
  readonly bytesInFlight: number;
  /** Bytes of kept uploads: completed, ready and failed ones not yet deleted. */
  readonly storedBytes: number;
  readonly uploadsThisHour: number;
}

export const HOUR_MS = 3_600_000;

/** Deletes remembered in `released`. */
export const RELEASES_REMEMBERED = 100;

/** The clock hour of `now`, in whole hours since the epoch. */
export function hourOf(now: Date): number {
  return Math.floor(now.getTime() / HOUR_MS);
}

/** The figures of `usage` at `now` (a user without an item has used nothing). */
export function usageFigures(usage: UserUsage | undefined, now: Date): UsageFigures {
  if (!usage) return { activeUploads: 0, bytesInFlight: 0, storedBytes: 0, uploadsThisHour: 0 };
  return {
    activeUploads: usage.activeUploads,
    bytesInFlight: usage.bytesInFlight,
    storedBytes: usage.bytesHeld - usage.bytesInFlight,
    uploadsThisHour: usage.hour >= hourOf(now) ? usage.uploadsThisHour : 0,
  };
}
