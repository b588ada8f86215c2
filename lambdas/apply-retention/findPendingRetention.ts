import { queryUploadIndex } from '../shared/queryUploadIndex.js';
import { BY_PENDING_RETENTION_INDEX, type PendingRetentionStatus } from '../shared/retentionSettings.js';
import type { UploadRecord } from '../shared/uploadRecord.js';

/**
 * Up to `max` uploads in `status` whose original the retention job still has to delete and
 * that reached that state before `before`, oldest first, from the sparse `byPendingRetention`
 * index (it holds only such records, so nothing else is read). The index is eventually
 * consistent: a listed upload may have been handled or removed already, which the conditional
 * write that follows finds out.
 */
export async function findPendingRetention(status: PendingRetentionStatus, before: Date, max: number): Promise<UploadRecord[]> {
  return queryUploadIndex(
    {
      IndexName: BY_PENDING_RETENTION_INDEX,
      KeyConditionExpression: '#pendingRetention = :status AND #updatedAt < :before',
      ExpressionAttributeNames: { '#pendingRetention': 'pendingRetention', '#updatedAt': 'updatedAt' },
      ExpressionAttributeValues: { ':status': status, ':before': before.toISOString() },
    },
    max,
  );
}
