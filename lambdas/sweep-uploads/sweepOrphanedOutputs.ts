import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { mediaBucketName } from '../shared/config.js';
import { withdrawMediaOutputs } from '../shared/withdrawMediaOutputs.js';
import { MEDIA_ROOT } from '../shared/keys.js';
import { logger } from '../shared/logger.js';
import { s3 } from '../shared/s3.js';
import type { SweepSettings } from '../shared/sweepSettings.js';
import type { UploadStatus } from '../shared/uploadRecord.js';
import { isUploadId } from '../shared/validation/uploadId.js';
import { findUploadStatuses } from './findUploadStatuses.js';
import { type IdWindow, idPrefixAt, ID_SPACE, outputScanWindows } from './outputScanWindows.js';

const bucket = mediaBucketName();

/** What one pass did. `errors` are uploads whose outputs could not be removed; a later round tries again. */
export interface OutputCounts {
  readonly checked: number;
  readonly removed: number;
  readonly objects: number;
  readonly errors: number;
}

/** Upload folders checked per run (a listing page holds 1,000), so a huge bucket never outlasts the timeout. */
export const MAX_FOLDERS_PER_RUN = 5_000;
/** Uploads whose outputs are removed at once. */
const CONCURRENCY = 10;

/**
 * States whose outputs are garbage: no run may publish for them any more, and nobody plays
 * them. (`ready` is served; `uploaded` and `processing` belong to a run, or to the stalled pass.)
 */
const ORPHANED: ReadonlySet<UploadStatus | 'missing'> = new Set(['failed', 'cancelled', 'expired', 'missing']);

/**
 * Removes outputs that a run which died mid-publish left behind: the folders under `media/`
 * whose upload is failed, cancelled or expired, or whose record is gone. The live paths clean
 * up after themselves (a run that fails or sees a cancel removes what it published, a DELETE
 * removes outputs before the record); this catches what a crash, a timeout or a failed delete
 * left. A final state never changes, so a folder judged garbage stays garbage, and a run
 * still publishing into it when it is removed fails on its next write of the record and
 * removes the rest itself.
 *
 * Each run checks the upload folders in its window of the id space (`outputScanWindows`),
 * at most MAX_FOLDERS_PER_RUN of them.
 */
export async function sweepOrphanedOutputs(now: Date, settings: SweepSettings): Promise<OutputCounts> {
  const windows = outputScanWindows(now.getTime(), settings.intervalSeconds * 1000, settings.outputScanCycleSeconds * 1000);
  const counts = { checked: 0, removed: 0, objects: 0, errors: 0 };
  for (const window of windows) {
    for await (const uploadIds of uploadFolders(window, () => MAX_FOLDERS_PER_RUN - counts.checked)) {
      counts.checked += uploadIds.length;
      const statuses = await findUploadStatuses(uploadIds);
      const orphaned = uploadIds.filter((uploadId) => {
        const status = statuses.get(uploadId);
        return status !== undefined && ORPHANED.has(status);
      });
      for (let start = 0; start < orphaned.length; start += CONCURRENCY) {
        const batch = orphaned.slice(start, start + CONCURRENCY);
        const results = await Promise.allSettled(batch.map((uploadId) => withdrawMediaOutputs(uploadId)));
        results.forEach((result, index) => {
          const uploadId = batch[index];
          if (result.status === 'fulfilled') {
            counts.removed += 1;
            counts.objects += result.value;
            logger.info('Removed outputs left behind', { uploadId, status: statuses.get(uploadId ?? ''), objects: result.value });
          } else {
            counts.errors += 1;
            logger.error('Could not remove outputs left behind', { uploadId, error: result.reason as Error });
          }
        });
      }
    }
  }
  if (counts.checked >= MAX_FOLDERS_PER_RUN) {
    logger.warn('The output check reached its limit for one run; the rest of its window waits for the next cycle', {
      limit: MAX_FOLDERS_PER_RUN,
      windows,
    });
  }
  logger.info('Output check finished', { windows, ...counts });
  return counts;
}

/**
 * The upload ids with a folder under `media/` in `window`, a listing page at a time, in key
 * order; stops at the window's end or when `budget()` runs out. Folders that are not named
 * after an upload id are not the pipeline's and are passed over.
 */
async function* uploadFolders(window: IdWindow, budget: () => number): AsyncGenerator<string[]> {
  const end = window.to >= ID_SPACE ? undefined : `${MEDIA_ROOT}${idPrefixAt(window.to)}`;
  let continuationToken: string | undefined;
  do {
    const remaining = budget();
    if (remaining <= 0) return;
    const page = await s3.send(
      new ListObjectsV2Command({
        Bucket: bucket,
        Prefix: MEDIA_ROOT,
        Delimiter: '/',
        MaxKeys: Math.min(1000, remaining),
        ...(continuationToken === undefined
          ? { StartAfter: window.from > 0 ? `${MEDIA_ROOT}${idPrefixAt(window.from)}` : undefined }
          : { ContinuationToken: continuationToken }),
      }),
    );
    const folders = (page.CommonPrefixes ?? []).flatMap((entry) => (entry.Prefix === undefined ? [] : [entry.Prefix]));
    const inWindow = end === undefined ? folders : folders.filter((folder) => folder < end);
    const ids = inWindow.map((folder) => folder.slice(MEDIA_ROOT.length, -1)).filter((id) => isUploadId(id));
    if (ids.length > 0) yield ids;
    if (inWindow.length < folders.length) return;
    continuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (continuationToken !== undefined);
}
