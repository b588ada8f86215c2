import { SendMessageCommand } from '@aws-sdk/client-sqs';
import * as z from 'zod/mini';
import { invalidationQueueUrl } from './config.js';
import { sqs } from './sqs.js';
import { uploadIdSchema } from './validation/uploadId.js';

const queueUrl = invalidationQueueUrl();

/** A message of the invalidation queue: the upload whose cached outputs CloudFront must forget. */
export const invalidationRequestSchema = z.object({ uploadId: uploadIdSchema });

export type InvalidationRequest = z.infer<typeof invalidationRequestSchema>;

/**
 * Queues the invalidation of an upload's outputs in the CDN (`/media/{uploadId}/*`), which the
 * invalidate-media function batches into CloudFront invalidations. Call it once the outputs are
 * deleted from the bucket, so the cache is never emptied while the origin still holds them.
 * Rejects when SQS did not take the request (after the SDK's retries): the caller must fail
 * retryably and keep what lets a retry send it again, since a lost request leaves deleted media
 * playing from the cache for up to a year (its segments and images are `immutable`).
 */
export async function requestInvalidation(uploadId: string): Promise<void> {
  const request: InvalidationRequest = { uploadId };
  await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: JSON.stringify(request) }));
}
