import { ChangeMessageVisibilityCommand } from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSRecord } from 'aws-lambda';
import { webhookLoopbackAllowed, webhookQueueUrl, webhookRetryDelays, webhookTargets } from '../shared/config.js';
import { internalHostReason } from '../shared/events/internalHostReason.js';
import { WEBHOOK_RETRY_DELAYS_SECONDS, webhookMaxReceiveCount } from '../shared/events/webhookRetrySchedule.js';
import { logger } from '../shared/logger.js';
import { sqs } from '../shared/sqs.js';
import { sendWebhook } from './sendWebhook.js';
import { parseWebhookDelivery } from './webhookMessage.js';
import { webhookKey } from './webhookSecrets.js';

const queueUrl = webhookQueueUrl();
const targets = webhookTargets();
const delays = webhookRetryDelays(WEBHOOK_RETRY_DELAYS_SECONDS);
const maxReceiveCount = webhookMaxReceiveCount(delays);
const allowLoopback = webhookLoopbackAllowed();

/**
 * Delivers a batch of webhook messages side by side. A delivery that fails is hidden for the
 * wait its receive count calls for (`WEBHOOK_RETRY_DELAYS`) and reported as a batch item
 * failure, so SQS hands it over again then; after the last try the queue's redrive policy
 * moves it to the dead-letter queue, whose alarm says so. Delivery is at least once: a receiver
 * dedupes by `webhook-id`. A message that is no delivery, or names a webhook this function does
 * not know, can never succeed: it comes back at once, without a wait, and ends in the
 * dead-letter queue after the same number of receives.
 *
 * Before a send the webhook's URL is checked again as synth checks it (`internalHostReason`),
 * since a URL made at deploy time reached no check: one that points inside (loopback, a private
 * or link-local range, the metadata address) is not sent to, and fails with the reason like a
 * receiver that is down, so a redeploy with a corrected URL within the retries delivers it. A
 * signing secret that cannot be read or is refused (`webhookKey`) fails the same way, naming
 * the secret and why, never its value.
 */
export async function deliverWebhooks(records: readonly SQSRecord[]): Promise<SQSBatchResponse> {
  const failed = await Promise.all(records.map(async (record) => ((await deliverOne(record)) ? undefined : record)));
  return { batchItemFailures: failed.filter((record) => record !== undefined).map((record) => ({ itemIdentifier: record.messageId })) };
}

/** Whether the message is done with. */
async function deliverOne(record: SQSRecord): Promise<boolean> {
  const receiveCount = Number(record.attributes.ApproximateReceiveCount) || 1;
  const delivery = parseWebhookDelivery(record.body);
  const target = delivery ? targets.get(delivery.webhookId) : undefined;
  if (!delivery || !target) {
    logger.error(delivery ? 'A webhook delivery names no configured webhook; it goes to the dead-letter queue' : 'A webhook message is not a delivery; it goes to the dead-letter queue', {
      messageId: record.messageId,
      webhook: delivery?.webhookId,
      body: record.body.slice(0, 200),
    });
    await hide(record, 0);
    return false;
  }

  let reason: string;
  const internal = internalHostReason(target.url, { allowLoopback });
  if (internal) {
    reason = `the webhook's URL ${target.url} is refused: ${internal}`;
  } else {
    try {
      const outcome = await sendWebhook(target.url, await webhookKey(target.secretArn), delivery);
      if (outcome.delivered) {
        logger.info('Delivered a webhook', { webhook: delivery.webhookId, webhookId: delivery.messageId, status: outcome.status, attempt: receiveCount });
        return true;
      }
      reason = outcome.reason;
    } catch (error) {
      reason = (error as Error).message;
    }
  }

  const last = receiveCount >= maxReceiveCount;
  const wait = last ? 0 : (delays[Math.min(receiveCount, delays.length) - 1] ?? 0);
  logger.warn(last ? 'A webhook delivery failed its last try; it goes to the dead-letter queue' : 'A webhook delivery failed; it is tried again later', {
    webhook: delivery.webhookId,
    webhookId: delivery.messageId,
    attempt: receiveCount,
    of: maxReceiveCount,
    retryInSeconds: last ? undefined : wait,
    reason,
  });
  await hide(record, wait);
  return false;
}

/**
 * Hides the message for its backoff. If that fails it comes back after the queue's own
 * visibility timeout instead: a shorter wait, still a retry.
 */
async function hide(record: SQSRecord, seconds: number): Promise<void> {
  try {
    await sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: queueUrl, ReceiptHandle: record.receiptHandle, VisibilityTimeout: seconds }));
  } catch (error) {
    logger.warn('Could not delay a failed webhook delivery; it comes back after the queue visibility timeout', { messageId: record.messageId, error: error as Error });
  }
}
