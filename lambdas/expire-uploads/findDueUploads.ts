import { queryUploadIndex } from '../shared/queryUploadIndex.js';
import { BY_PENDING_EXPIRY_INDEX, PENDING_EXPIRY_PARTITION } from '../shared/uploadIndexes.js';
import type { UploadRecord } from '../shared/uploadRecord.js';

/**
 * Up to `max` initiated uploads whose deadline passed before `now`, oldest deadline first, from
 * the sparse `byPendingExpiry` index (it holds initiated uploads only, so nothing else is read).
 * The index is eventually consistent: a listed upload may have moved on already, which the
 * conditional transition that follows finds out.
 */
export async function findDueUploads(now: Date, max: number): Promise<UploadRecord[]> {
  return queryUploadIndex(
    {
      IndexName: BY_PENDING_EXPIRY_INDEX,
      KeyConditionExpression: '#pendingExpiry = :pending AND #expiresAt < :now',
      ExpressionAttributeNames: { '#pendingExpiry': 'pendingExpiry', '#expiresAt': 'expiresAt' },
      ExpressionAttributeValues: { ':pending': PENDING_EXPIRY_PARTITION, ':now': now.toISOString() },
    },
    max,
  );
}
