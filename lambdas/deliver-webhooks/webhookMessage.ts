import { z } from 'zod';
import { EVENT_SOURCE, UPLOAD_EVENT_DETAIL_TYPES, type UploadEventDetailType } from '../shared/events/uploadStateEvent.js';

/**
 * A delivery as a webhook's rule puts it on the queue (lib/UploadEvents.ts, and local mode's
 * bus): the webhook's id and the whole EventBridge event.
 */
const deliverySchema = z.object({
  webhook: z.string().min(1),
  event: z.object({
    source: z.literal(EVENT_SOURCE),
    'detail-type': z.enum(UPLOAD_EVENT_DETAIL_TYPES as [UploadEventDetailType, ...UploadEventDetailType[]]),
    time: z.string(),
    detail: z.looseObject({ eventId: z.string().min(1) }),
  }),
});

export interface WebhookDelivery {
  readonly webhookId: string;
  /** `webhook-id`: the event's `eventId`, the same on every copy of the state change. */
  readonly messageId: string;
  /** The JSON body every try sends, byte for byte (its signature covers it). */
  readonly payload: string;
}

/** The delivery a queue message asks for, or undefined when the body is not one (never sent by a rule of ours). */
export function parseWebhookDelivery(body: string): WebhookDelivery | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return undefined;
  }
  const delivery = deliverySchema.safeParse(parsed);
  if (!delivery.success) return undefined;
  const { webhook, event } = delivery.data;
  return { webhookId: webhook, messageId: event.detail.eventId, payload: webhookPayload(event['detail-type'], event.time, event.detail) };
}

/**
 * The body Standard Webhooks recommends: `type` full-stop delimited (`Upload Ready` →
 * `upload.ready`), `timestamp` when the state changed, `data` the event's detail.
 */
export function webhookPayload(detailType: UploadEventDetailType, time: string, detail: unknown): string {
  return JSON.stringify({ type: webhookEventType(detailType), timestamp: time, data: detail });
}

export function webhookEventType(detailType: UploadEventDetailType): string {
  return detailType.toLowerCase().replace(' ', '.');
}
