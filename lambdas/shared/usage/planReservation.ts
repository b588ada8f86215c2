import { QuotaExceededError, RateLimitedError } from '../errors.js';
import { describeBytes } from './describeBytes.js';
import { usageUpdate, type UsageUpdate } from './usageUpdate.js';
import { HOUR_MS, hourOf, type UploadShare, type UsageLimits, type UserUsage, usageFigures } from './UserUsage.js';

/** A new upload asking for its share of its owner's usage. */
export interface ReservationRequest {
  readonly ownerId: string;
  readonly uploadId: string;
  /** The declared size, in bytes. */
  readonly size: number;
  readonly now: Date;
}

export type ReservationPlan =
  /** The share exists: an earlier attempt of this very reservation was applied. */
  | { readonly kind: 'held' }
  /** A limit refuses the upload; nothing is to be written. */
  | { readonly kind: 'refused'; readonly error: QuotaExceededError | RateLimitedError }
  | { readonly kind: 'write'; readonly change: UsageUpdate };

/**
 * Decides a reservation from the usage as read, and builds the write that makes it. The write's
 * condition restates every limit against the item as it will be when DynamoDB applies it, so
 * concurrent reservations can all succeed while there is room, and never more than that: one
 * that finds the item changed fails its condition and is planned again from a new read.
 *
 * Limits are checked in this order: unfinished uploads, bytes in flight, stored bytes (403
 * `QUOTA_EXCEEDED`), then uploads this hour (429 `RATE_LIMITED`, with the seconds until the
 * hour ends). Each refusal names the limit and the user's figure.
 */
export function planReservation(usage: UserUsage | undefined, request: ReservationRequest, limits: UsageLimits): ReservationPlan {
  const { uploadId, size, now } = request;
  if (usage?.active[uploadId] !== undefined) return { kind: 'held' };

  const figures = usageFigures(usage, now);
  const refusal = refuse(figures, size, now, limits);
  if (refusal) return { kind: 'refused', error: refusal };

  const hour = hourOf(now);
  const share: UploadShare = { size, phase: 'initiated', reservedAt: now.toISOString() };
  const values = {
    ':one': 1,
    ':size': size,
    ':hour': hour,
    ':share': share,
    ':now': now.toISOString(),
    ':maxActive': limits.maxActiveUploadsPerUser,
    // No arithmetic in conditions: "in flight + size <= limit" becomes "in flight <= limit - size".
    ':inFlightRoom': limits.maxBytesInFlightPerUser - size,
    ':heldRoom': limits.maxStoredBytesPerUser - size,
    ':maxPerHour': limits.maxUploadsPerHourPerUser,
    ':seenHour': usage?.hour,
    ':shares': { [uploadId]: share },
    ':none': {},
  };
  const keys = { '#upload': uploadId };

  if (!usage) {
    const change = usageUpdate(
      'SET #activeUploads = :one, #bytesInFlight = :size, #bytesHeld = :size, #hour = :hour, #uploadsThisHour = :one, ' +
        '#active = :shares, #released = :none, #updatedAt = :now',
      'attribute_not_exists(#ownerId)',
      values,
    );
    return { kind: 'write', change };
  }

  const room =
    'attribute_not_exists(#active.#upload) AND #activeUploads < :maxActive AND #bytesInFlight <= :inFlightRoom AND #bytesHeld <= :heldRoom';
  const add = 'ADD #activeUploads :one, #bytesInFlight :size, #bytesHeld :size';
  // A clock a little behind another function's keeps counting the hour already begun.
  const change =
    usage.hour >= hour
      ? usageUpdate(
          `SET #active.#upload = :share, #updatedAt = :now ${add}, #uploadsThisHour :one`,
          `${room} AND #hour = :seenHour AND #uploadsThisHour < :maxPerHour`,
          values,
          keys,
        )
      : usageUpdate(
          `SET #active.#upload = :share, #hour = :hour, #uploadsThisHour = :one, #updatedAt = :now ${add}`,
          `${room} AND #hour < :hour`,
          values,
          keys,
        );
  return { kind: 'write', change };
}

function refuse(
  figures: ReturnType<typeof usageFigures>,
  size: number,
  now: Date,
  limits: UsageLimits,
): QuotaExceededError | RateLimitedError | undefined {
  const { activeUploads, bytesInFlight, storedBytes, uploadsThisHour } = figures;
  if (activeUploads >= limits.maxActiveUploadsPerUser) {
    return new QuotaExceededError(
      `You have ${activeUploads} unfinished uploads and the limit is ${limits.maxActiveUploadsPerUser} per user; ` +
        'complete or cancel one, or wait until one finishes processing, then try again',
    );
  }
  if (bytesInFlight + size > limits.maxBytesInFlightPerUser) {
    return new QuotaExceededError(
      `Your uploads in progress declare ${describeBytes(bytesInFlight)}; with this one (${describeBytes(size)}) that is over ` +
        `the limit of ${describeBytes(limits.maxBytesInFlightPerUser)} in flight per user; complete or cancel an upload first`,
    );
  }
  if (storedBytes + bytesInFlight + size > limits.maxStoredBytesPerUser) {
    return new QuotaExceededError(
      `You keep ${describeBytes(storedBytes)} of uploads and ${describeBytes(bytesInFlight)} are in flight; with this one ` +
        `(${describeBytes(size)}) that is over the limit of ${describeBytes(limits.maxStoredBytesPerUser)} stored per user; ` +
        'delete uploads you no longer need',
    );
  }
  if (uploadsThisHour >= limits.maxUploadsPerHourPerUser) {
    const hourEnds = new Date((hourOf(now) + 1) * HOUR_MS);
    const seconds = Math.max(1, Math.ceil((hourEnds.getTime() - now.getTime()) / 1000));
    return new RateLimitedError(
      `You created ${uploadsThisHour} uploads this hour and the limit is ${limits.maxUploadsPerHourPerUser} per hour; ` +
        `try again after ${hourEnds.toISOString()} (in ${Math.ceil(seconds / 60)} min)`,
      seconds,
    );
  }
  return undefined;
}
