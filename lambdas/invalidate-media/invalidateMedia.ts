import { createHash } from 'node:crypto';
import { CreateInvalidationCommand } from '@aws-sdk/client-cloudfront';
import { ChangeMessageVisibilityBatchCommand } from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSRecord } from 'aws-lambda';
import { distributionId, invalidationQueueUrl } from '../shared/config.js';
import { mediaPrefix } from '../shared/keys.js';
import { logger } from '../shared/logger.js';
import { invalidationRequestSchema } from '../shared/invalidationRequest.js';
import { sqs } from '../shared/sqs.js';
import { cloudFront } from './cloudFront.js';
import { MAX_WILDCARD_PATHS } from './cloudFrontLimits.js';

const distribution = distributionId();
const queueUrl = invalidationQueueUrl();

/** The wait before the first retry of a request CloudFront did not take; it doubles with each receive. */
export const FIRST_RETRY_DELAY_SECONDS = 60;

/** The longest wait between retries (in-progress invalidations usually finish within minutes). */
export const MAX_RETRY_DELAY_SECONDS = 15 * 60;

/** ChangeMessageVisibilityBatch takes at most ten entries. */
const VISIBILITY_BATCH_SIZE = 10;

/** The CDN path that covers every output of an upload. */
export function invalidationPath(uploadId: string): string {
  return `/${mediaPrefix(uploadId)}*`;
}

/** How long a message waits before its next receive, after `receiveCount` receives. */
export function retryDelaySeconds(receiveCount: number): number {
  const attempts = Number.isInteger(receiveCount) && receiveCount > 0 ? receiveCount : 1;
  return Math.min(MAX_RETRY_DELAY_SECONDS, FIRST_RETRY_DELAY_SECONDS * 2 ** (attempts - 1));
}

/**
 * A CallerReference made from the messages an invalidation covers. The same messages received
 * again (a crash after CloudFront took the invalidation, a lost answer) name the same paths under
 * the same reference, which CloudFront answers with the invalidation it already made instead of
 * a second one. A later delete of the same upload is a new message, so it is a new invalidation.
 */
export function callerReference(messageIds: readonly string[]): string {
  const digest = createHash('sha256').update([...messageIds].sort().join('\n')).digest('hex');
  return `media-pipeline-${digest.slice(0, 40)}`;
}

/**
 * Invalidates the outputs of the uploads a batch of requests names, with one CreateInvalidation
 * of `/media/{uploadId}/*` per upload (a repeated upload once) and at most `MAX_WILDCARD_PATHS`
 * paths; the messages of uploads beyond that are returned for a later batch.
 *
 * When CloudFront refuses (TooManyInvalidationsInProgress while earlier invalidations run, a
 * throttle or fault past the SDK's retries), every message of the batch is returned as a failure
 * after its visibility is set to a backoff that doubles with each receive, so a burst of deletes
 * drains as invalidations finish rather than retrying at a fixed pace; after the queue's
 * maxReceiveCount a message moves to the dead-letter queue, whose alarm says so.
 * A message that is not a request (never sent by this code) is logged and returned as a failure,
 * so it too ends in the dead-letter queue instead of vanishing.
 */
export async function invalidateMedia(records: readonly SQSRecord[]): Promise<SQSBatchResponse> {
  const failures: SQSRecord[] = [];
  const byPath = new Map<string, SQSRecord[]>();
  for (const record of records) {
    const uploadId = requestedUploadId(record);
    if (uploadId === undefined) {
      failures.push(record);
      continue;
    }
    const path = invalidationPath(uploadId);
    byPath.set(path, [...(byPath.get(path) ?? []), record]);
  }
  // The first to arrive, sorted: the same messages received again in another order send the very same batch.
  const paths = [...byPath.keys()].slice(0, MAX_WILDCARD_PATHS).sort();
  const covered = paths.flatMap((path) => byPath.get(path) ?? []);
  failures.push(...records.filter((record) => !failures.includes(record) && !covered.includes(record)));
  if (paths.length === 0) return batchResponse(failures);

  const reference = callerReference(covered.map((record) => record.messageId));
  try {
    const { Invalidation } = await cloudFront.send(
      new CreateInvalidationCommand({
        DistributionId: distribution,
        InvalidationBatch: { CallerReference: reference, Paths: { Quantity: paths.length, Items: paths } },
      }),
    );
    logger.info('Invalidated the outputs of removed uploads in the CDN', { invalidationId: Invalidation?.Id, callerReference: reference, paths });
    return batchResponse(failures);
  } catch (error) {
    if ((error as Error).name === 'InvalidationBatchAlreadyExists') {
      // The reference is these very messages': CloudFront took them before (an answer lost).
      logger.info('CloudFront already has the invalidation of these requests', { callerReference: reference, paths });
      return batchResponse(failures);
    }
    const busy = (error as Error).name === 'TooManyInvalidationsInProgress';
    const details = { callerReference: reference, paths, error };
    if (busy) logger.warn('CloudFront has too many invalidations in progress; the requests wait and are sent again', details);
    else logger.error('CloudFront did not take the invalidation; the requests wait and are sent again', details);
    await backOff(covered);
    return batchResponse([...failures, ...covered]);
  }
}

function requestedUploadId(record: SQSRecord): string | undefined {
  let body: unknown;
  try {
    body = JSON.parse(record.body);
  } catch {
    body = undefined;
  }
  const parsed = invalidationRequestSchema.safeParse(body);
  if (parsed.success) return parsed.data.uploadId;
  logger.error('An invalidation request names no upload; it is left for the dead-letter queue', {
    messageId: record.messageId,
    body: record.body.slice(0, 200),
  });
  return undefined;
}

/**
 * Hides each message for its backoff. A message whose visibility could not be changed comes back
 * after the queue's own visibility timeout instead, which is only a shorter wait.
 */
async function backOff(records: readonly SQSRecord[]): Promise<void> {
  for (let start = 0; start < records.length; start += VISIBILITY_BATCH_SIZE) {
    const chunk = records.slice(start, start + VISIBILITY_BATCH_SIZE);
    try {
      const { Failed } = await sqs.send(
        new ChangeMessageVisibilityBatchCommand({
          QueueUrl: queueUrl,
          Entries: chunk.map((record, index) => ({
            Id: String(index),
            ReceiptHandle: record.receiptHandle,
            VisibilityTimeout: retryDelaySeconds(Number(record.attributes.ApproximateReceiveCount)),
          })),
        }),
      );
      if (Failed !== undefined && Failed.length > 0) logger.warn('Could not delay some invalidation requests', { failed: Failed });
    } catch (error) {
      logger.warn('Could not delay the invalidation requests; they come back after the queue visibility timeout', { error });
    }
  }
}

function batchResponse(failures: readonly SQSRecord[]): SQSBatchResponse {
  return { batchItemFailures: failures.map((record) => ({ itemIdentifier: record.messageId })) };
}
