import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { mediaBucketName } from './config.js';
import { deleteMediaOutputs } from './deleteMediaOutputs.js';
import { mediaPrefix } from './keys.js';
import { requestInvalidation } from './requestInvalidation.js';
import { s3 } from './s3.js';

const bucket = mediaBucketName();

/**
 * How long the invalidation request waits in the queue before the invalidator may see it: far
 * longer than deleting the outputs of one upload takes, so CloudFront forgets them after the
 * bucket lost them and no viewer's request can put them back in the cache.
 */
export const WITHDRAW_INVALIDATION_DELAY_SECONDS = 60;

/**
 * Removes the outputs of an upload that did not become (or stay) ready, after viewers may
 * already have fetched some of them: the poster is published before the transcode, the segments
 * and playlists of a stream that plays while processing as they are written, and CloudFront
 * keeps segments and images for a year. The invalidation is queued first (held back by
 * `WITHDRAW_INVALIDATION_DELAY_SECONDS`) and the outputs deleted second, so a run that dies
 * between the two still has its invalidation on the way; the outputs it left are a failed
 * upload's, which the sweep's output pass removes. Returns how many outputs were deleted.
 *
 * An upload without outputs asks for no invalidation: each one is a billed CDN path, and the
 * callers also run for files that never got as far as publishing (a retried crash, a dead
 * letter, a redelivery) and for outputs an earlier withdrawal already queued and removed.
 */
export async function withdrawMediaOutputs(uploadId: string): Promise<number> {
  const { Contents } = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: mediaPrefix(uploadId) }));
  if (Contents === undefined || Contents.length === 0) return 0;
  await requestInvalidation(uploadId, { delaySeconds: WITHDRAW_INVALIDATION_DELAY_SECONDS });
  return deleteMediaOutputs(uploadId);
}
