import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct, Node } from 'constructs';
import type { UploadEventDetailType } from '../lambdas/shared/events/uploadStateEvent.js';
import type { WebhookProps } from './UploadEvents.js';

/** A webhook as context names it: its secret by ARN, which the stack imports. */
export interface WebhookContext {
  readonly id: string;
  readonly url: string;
  /** The complete ARN of the Secrets Manager secret that holds the signing secret (`whsec_…`). */
  readonly secretArn: string;
  readonly events?: readonly UploadEventDetailType[];
}

/**
 * The context key `webhooks`: a JSON array (a string with `-c`, or an array in cdk.json) of
 * `{ "id", "url", "secretArn", "events"? }`. The construct checks ids, URLs and events and names
 * what is wrong; this checks only the shape.
 */
export function readWebhookContext(node: Node): WebhookContext[] | undefined {
  const raw: unknown = node.tryGetContext('webhooks');
  if (raw === undefined || raw === null || raw === '') return undefined;
  let value: unknown = raw;
  if (typeof raw === 'string') {
    try {
      value = JSON.parse(raw);
    } catch {
      throw new Error(`context webhooks must be a JSON array of { id, url, secretArn, events? }, got '${raw.slice(0, 80)}'`);
    }
  }
  if (!Array.isArray(value)) throw new Error(`context webhooks must be a JSON array of { id, url, secretArn, events? }, got ${JSON.stringify(value).slice(0, 80)}`);
  return value.map((item: unknown, index) => {
    const { id, url, secretArn, events } = (item ?? {}) as Record<string, unknown>;
    if (typeof id !== 'string' || typeof url !== 'string' || typeof secretArn !== 'string' || !/^arn:aws[\w-]*:secretsmanager:/.test(secretArn)) {
      throw new Error(`context webhooks[${index}] needs id, url and secretArn (a Secrets Manager secret ARN) as strings, got ${JSON.stringify(item).slice(0, 120)}`);
    }
    if (events !== undefined && (!Array.isArray(events) || !events.every((type) => typeof type === 'string'))) {
      throw new Error(`context webhooks[${index}].events must be a list of event types like "Upload Ready", got ${JSON.stringify(events)}`);
    }
    return { id, url, secretArn, ...(events === undefined ? {} : { events: events as UploadEventDetailType[] }) };
  });
}

/** The webhooks of context, their secrets imported into `scope` by complete ARN. */
export function importWebhooks(scope: Construct, webhooks: readonly WebhookContext[]): WebhookProps[] {
  return webhooks.map((webhook, index) => ({
    id: webhook.id,
    url: webhook.url,
    secret: Secret.fromSecretCompleteArn(scope, `WebhookSecret${index}`, webhook.secretArn),
    ...(webhook.events === undefined ? {} : { events: webhook.events }),
  }));
}
