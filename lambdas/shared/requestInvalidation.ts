import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { invalidationQueueUrl } from './config.js';
import type { InvalidationRequest } from './invalidationRequest.js';
import { sqs } from './sqs.js';

const queueUrl = invalidationQueueUrl();

/**
 * Queues the invalidation of an upload's outputs in the CDN (`/media/{uploadId}/*`), which the
 * invalidate-media function batches into CloudFront invalidations. Call it once the outputs are
 * deleted from the bucket, so the cache is never emptied while the origin still holds them.
 * Rejects when SQS did not take the request (after the SDK's retries): the caller must fail
 * retryably and keep what lets a retry send it again, since a lost request leaves deleted media
 * playing from the cache for up to a year (its segments and images are `immutable`).
 * `delaySeconds` holds the request back in the queue (at most 900 s), for callers that send it
 * before they delete.
 */
export async function requestInvalidation(uploadId: string, options: { readonly delaySeconds?: number } = {}): Promise<void> {
  const request: InvalidationRequest = { uploadId };
  await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: JSON.stringify(request), DelaySeconds: options.delaySeconds }));
}
