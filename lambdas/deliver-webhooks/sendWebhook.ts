import { Webhook } from 'standardwebhooks';
import type { WebhookDelivery } from './webhookMessage.js';

/** How long one try waits for the receiver's answer. */
export const WEBHOOK_TIMEOUT_MS = 10_000;

export type SendOutcome = { readonly delivered: true; readonly status: number } | { readonly delivered: false; readonly reason: string };

/**
 * One try of a delivery, as Standard Webhooks has it: a POST of the payload with `webhook-id`,
 * `webhook-timestamp` (this try's time, which receivers hold to a few minutes) and
 * `webhook-signature` (`v1,` HMAC-SHA256 of `id.timestamp.payload` with the secret's key). Delivered
 * on any 2xx answer; anything else, a redirect included (the spec counts it a failure), a
 * timeout or a network error is a failure the caller retries later.
 */
export async function sendWebhook(url: string, key: Uint8Array, delivery: WebhookDelivery, now: Date = new Date()): Promise<SendOutcome> {
  const signature = new Webhook(key, { format: 'raw' }).sign(delivery.messageId, now, delivery.payload);
  try {
    const response = await fetch(url, {
      method: 'POST',
      redirect: 'manual',
      signal: AbortSignal.timeout(WEBHOOK_TIMEOUT_MS),
      headers: {
        'content-type': 'application/json',
        'user-agent': 'media-pipeline-webhooks',
        'webhook-id': delivery.messageId,
        'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
        'webhook-signature': signature,
      },
      body: delivery.payload,
    });
    // The answer's body is never read: release the connection.
    await response.body?.cancel().catch(() => undefined);
    if (response.status >= 200 && response.status < 300) return { delivered: true, status: response.status };
    return { delivered: false, reason: `the receiver answered ${response.status}` };
  } catch (error) {
    const cause = (error as Error & { cause?: Error }).cause;
    return { delivered: false, reason: `${(error as Error).name === 'TimeoutError' ? `no answer within ${WEBHOOK_TIMEOUT_MS} ms` : (error as Error).message}${cause ? ` (${cause.message})` : ''}` };
  }
}
