import { internalHostReason } from '../../lambdas/shared/events/internalHostReason.js';
import { UPLOAD_EVENT_DETAIL_TYPES, type UploadEventDetailType } from '../../lambdas/shared/events/uploadStateEvent.js';
import { webhookSigningKey } from '../../lambdas/shared/events/webhookSigningKey.js';
import { isLoopbackAddress } from '../isLoopbackAddress.js';
import { WEBHOOK_ID } from '../../lambdas/shared/events/webhookId.js';

/** A webhook of local mode: the stack's webhook with the signing secret itself instead of a secret's ARN. */
export interface LocalWebhook {
  readonly id: string;
  /** `http://` on a loopback host (a receiver on this machine), or `https://` anywhere. */
  readonly url: string;
  /** The Standard Webhooks signing secret (`whsec_…`), served to the deliverer by the local Secrets Manager endpoint. */
  readonly secret: string;
  /** @default - every state change */
  readonly events?: readonly UploadEventDetailType[];
}

/**
 * Throws, naming the option and its value, on a webhook local mode would not deliver to. The
 * stack's rule (lib/UploadEvents.ts) takes only https; local mode also takes plain http to a
 * receiver on loopback, where nothing crosses a network. Other internal hosts (private,
 * link-local, …) and secrets the deliverer would refuse fail here, at start, not at each delivery.
 */
export function checkLocalWebhooks(webhooks: readonly LocalWebhook[]): void {
  const seen = new Set<string>();
  webhooks.forEach((webhook, index) => {
    const name = `webhooks[${index}]`;
    if (!WEBHOOK_ID.test(webhook.id)) throw new Error(`${name}.id must be 1 to 64 letters, digits and hyphens, got '${webhook.id}'`);
    if (seen.has(webhook.id)) throw new Error(`${name}.id must be unique among the webhooks, got '${webhook.id}' twice`);
    seen.add(webhook.id);
    let url: URL | undefined;
    try {
      url = new URL(webhook.url);
    } catch {
      url = undefined;
    }
    const host = url?.hostname.replace(/^\[|\]$/g, '');
    const loopback = host !== undefined && (host === 'localhost' || isLoopbackAddress(host));
    if (!url || !(url.protocol === 'https:' || (url.protocol === 'http:' && loopback))) {
      throw new Error(`${name}.url must be https://, or http:// on a loopback host (127.0.0.1, ::1, localhost), got '${webhook.url}'`);
    }
    const internal = internalHostReason(url, { allowLoopback: true });
    if (internal) throw new Error(`${name}.url must be on loopback or outside this machine's network, got '${webhook.url}': ${internal}`);
    const key = typeof webhook.secret === 'string' && webhook.secret.startsWith('whsec_') ? webhookSigningKey(webhook.secret) : undefined;
    if (!key || 'refused' in key) {
      throw new Error(
        `${name}.secret must be a Standard Webhooks secret, whsec_ and the base64 of 24 to 64 random bytes: ${key ? key.refused : 'it does not start with whsec_'}`,
      );
    }
    for (const type of webhook.events ?? []) {
      if (!UPLOAD_EVENT_DETAIL_TYPES.includes(type)) throw new Error(`${name}.events has '${type}', which is none of ${UPLOAD_EVENT_DETAIL_TYPES.join(', ')}`);
    }
  });
}
