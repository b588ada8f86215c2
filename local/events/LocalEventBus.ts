import { randomUUID } from 'node:crypto';
import { EVENT_SOURCE, UPLOAD_EVENT_DETAIL_TYPES, type UploadEventDetailType } from '../../lambdas/shared/events/uploadStateEvent.js';
import type { PutEventsEntry } from './startEventBridgeEndpoint.js';

/** An event as EventBridge hands it to a rule's target. */
export interface BusEvent {
  readonly version: '0';
  readonly id: string;
  readonly 'detail-type': string;
  readonly source: string;
  readonly account: string;
  readonly time: string;
  readonly region: string;
  readonly resources: readonly string[];
  readonly detail: unknown;
}

/** A webhook's rule: the pattern the stack gives it (lib/UploadEvents.ts). */
export interface LocalWebhookRule {
  readonly id: string;
  /** @default - every detail type */
  readonly events?: readonly UploadEventDetailType[];
}

export interface LocalEventBusOptions {
  readonly busName: string;
  readonly account: string;
  readonly region: string;
  readonly rules: readonly LocalWebhookRule[];
  /** Queues a webhook delivery, as the rule's SQS target with its input transformer would. */
  readonly sendToWebhookQueue: (body: string) => void;
  /** How many events `events` keeps. @default 1000 */
  readonly keep?: number;
}

/**
 * Local mode's stand-in for the pipeline's EventBridge bus (the emulators have none): it takes
 * what the publisher function puts (through the local PutEvents endpoint), makes each entry the
 * event EventBridge would deliver, keeps the latest ones for a look, and matches each webhook's
 * rule in process, exactly the pattern the stack's rule has (source `media-pipeline`, the
 * webhook's detail types), queueing `{ webhook, event }` as the rule's input transformer does.
 * Rules of the deployer's own are not run: there is no bus to add them to.
 */
export class LocalEventBus {
  private readonly kept: BusEvent[] = [];

  constructor(private readonly options: LocalEventBusOptions) {}

  /** The latest events put on the bus, oldest first. */
  get events(): readonly BusEvent[] {
    return this.kept;
  }

  readonly put = (entries: readonly PutEventsEntry[]): ({ eventId: string } | { errorCode: string; errorMessage: string })[] =>
    entries.map((entry) => {
      // The endpoint checks the signature, not the shape: an entry may be anything JSON can hold.
      if (typeof entry !== 'object' || entry === null) return { errorCode: 'InvalidArgument', errorMessage: 'An entry must be an object.' };
      if (entry.EventBusName !== this.options.busName) {
        return { errorCode: 'ResourceNotFoundException', errorMessage: `Event bus ${String(entry.EventBusName)} does not exist.` };
      }
      let detail: unknown;
      try {
        detail = JSON.parse(entry.Detail ?? '');
      } catch {
        return { errorCode: 'MalformedDetail', errorMessage: 'Detail is malformed.' };
      }
      if (typeof entry.Source !== 'string' || typeof entry.DetailType !== 'string') {
        return { errorCode: 'InvalidArgument', errorMessage: 'Source and DetailType are required.' };
      }
      const time = entry.Time === undefined ? new Date() : new Date(typeof entry.Time === 'number' ? entry.Time * 1000 : Number.NaN);
      if (Number.isNaN(time.getTime())) return { errorCode: 'InvalidArgument', errorMessage: `Time ${String(entry.Time)} is not a date in epoch seconds.` };
      const event: BusEvent = {
        version: '0',
        id: randomUUID(),
        'detail-type': entry.DetailType,
        source: entry.Source,
        account: this.options.account,
        // EventBridge states the time to the second.
        time: time.toISOString().replace(/\.\d{3}Z$/, 'Z'),
        region: this.options.region,
        resources: entry.Resources ?? [],
        detail,
      };
      this.kept.push(event);
      if (this.kept.length > (this.options.keep ?? 1_000)) this.kept.shift();
      for (const rule of this.options.rules) {
        if (matches(rule, event)) this.options.sendToWebhookQueue(JSON.stringify({ webhook: rule.id, event }));
      }
      return { eventId: event.id };
    });
}

function matches(rule: LocalWebhookRule, event: BusEvent): boolean {
  if (event.source !== EVENT_SOURCE) return false;
  const types: readonly string[] = rule.events ?? UPLOAD_EVENT_DETAIL_TYPES;
  return types.includes(event['detail-type']);
}
