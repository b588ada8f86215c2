import { usageUpdate, type UsageUpdate } from './usageUpdate.js';
import { RELEASES_REMEMBERED, type UserUsage } from './UserUsage.js';

/**
 * What happens to an upload's share as the upload moves on:
 * - `completed`: the original is in S3, its bytes stop being in flight and stay held;
 * - `kept`: the upload is over (`ready`, `failed`) and its original stays until it is deleted:
 *   the share goes, its bytes stay held;
 * - `dropped`: the upload is over and nothing is kept (`cancelled`, `expired`, a create that
 *   failed): the share and its bytes go.
 */
export type ShareChange = 'completed' | 'kept' | 'dropped';

/**
 * Each plan returns undefined when there is nothing (left) to do, so applying a change twice
 * changes the counters once: the condition of every write is the share state the plan saw.
 */
export function planShareChange(usage: UserUsage | undefined, uploadId: string, change: ShareChange, now: Date): UsageUpdate | undefined {
  const share = usage?.active[uploadId];
  if (!share) return undefined;
  const keys = { '#upload': uploadId };
  const values = {
    ':phase': share.phase,
    ':completed': 'completed',
    ':minusOne': -1,
    ':minusSize': -share.size,
    ':now': now.toISOString(),
  };
  if (change === 'completed') {
    if (share.phase === 'completed') return undefined;
    return usageUpdate(
      'SET #active.#upload.#phase = :completed, #updatedAt = :now ADD #bytesInFlight :minusSize',
      '#active.#upload.#phase = :phase',
      values,
      keys,
    );
  }
  const adds = ['#activeUploads :minusOne'];
  if (share.phase === 'initiated') adds.push('#bytesInFlight :minusSize');
  if (change === 'dropped') adds.push('#bytesHeld :minusSize');
  return usageUpdate(`REMOVE #active.#upload SET #updatedAt = :now ADD ${adds.join(', ')}`, '#active.#upload.#phase = :phase', values, keys);
}

/**
 * Releases the held bytes of a kept upload that is being deleted, once: the upload id is
 * remembered in `released` by the same write, and a remembered id releases nothing. The oldest
 * remembered ids beyond `RELEASES_REMEMBERED` are forgotten in that write. An upload that still
 * has a share must have it settled first. Should the counters have drifted so far that the
 * release would leave less held than in flight, held is set to what is in flight (nothing kept).
 */
export function planStoredRelease(usage: UserUsage | undefined, uploadId: string, size: number, now: Date): UsageUpdate | undefined {
  if (!usage || usage.released[uploadId] !== undefined || usage.active[uploadId] !== undefined) return undefined;
  const keys: Record<string, string> = { '#upload': uploadId };
  const forgotten = Object.entries(usage.released)
    .sort(([, a], [, b]) => a - b)
    .slice(0, Math.max(0, Object.keys(usage.released).length - RELEASES_REMEMBERED + 1))
    .map(([id], index) => {
      keys[`#old${index}`] = id;
      return `#released.#old${index}`;
    });
  const remove = forgotten.length > 0 ? ` REMOVE ${forgotten.join(', ')}` : '';
  const values = {
    ':at': now.getTime(),
    ':now': now.toISOString(),
    ':minusSize': -size,
    ':seenHeld': usage.bytesHeld,
    ':seenInFlight': usage.bytesInFlight,
  };
  const fresh = 'attribute_not_exists(#released.#upload) AND attribute_not_exists(#active.#upload)';
  if (usage.bytesHeld - size < usage.bytesInFlight) {
    return usageUpdate(
      `SET #released.#upload = :at, #updatedAt = :now, #bytesHeld = :seenInFlight${remove}`,
      `${fresh} AND #bytesHeld = :seenHeld AND #bytesInFlight = :seenInFlight`,
      values,
      keys,
    );
  }
  return usageUpdate(`SET #released.#upload = :at, #updatedAt = :now${remove} ADD #bytesHeld :minusSize`, fresh, values, keys);
}

/**
 * Sets an `initiated` share to the size its upload turned out to have: an upload that declared
 * no size reserved the size limit, and `complete` learns the real size from the parts S3 holds.
 * Bytes in flight and held move by the difference in one write, conditional on the share still
 * being initiated at the size the plan saw, so a repeat (the same size) changes nothing.
 */
export function planShareResize(usage: UserUsage | undefined, uploadId: string, size: number, now: Date): UsageUpdate | undefined {
  const share = usage?.active[uploadId];
  if (!share || share.phase !== 'initiated' || share.size === size) return undefined;
  const values = {
    ':initiated': 'initiated',
    ':seenSize': share.size,
    ':size': size,
    ':delta': size - share.size,
    ':now': now.toISOString(),
  };
  return usageUpdate(
    'SET #active.#upload.#size = :size, #updatedAt = :now ADD #bytesInFlight :delta, #bytesHeld :delta',
    '#active.#upload.#phase = :initiated AND #active.#upload.#size = :seenSize',
    values,
    { '#upload': uploadId },
  );
}
