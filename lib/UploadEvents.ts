import { Duration, RemovalPolicy, Token } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { EventBus, EventField, Rule, RuleTargetInput } from 'aws-cdk-lib/aws-events';
import { SqsQueue } from 'aws-cdk-lib/aws-events-targets';
import { StartingPosition } from 'aws-cdk-lib/aws-lambda';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { NagSuppressions } from 'cdk-nag';
import { Construct } from 'constructs';
import { internalHostReason } from '../lambdas/shared/events/internalHostReason.js';
import { EVENT_SOURCE, UPLOAD_EVENT_DETAIL_TYPES, type UploadEventDetailType } from '../lambdas/shared/events/uploadStateEvent.js';
import { WEBHOOK_RETRY_DELAYS_SECONDS, webhookMaxReceiveCount } from '../lambdas/shared/events/webhookRetrySchedule.js';
import { DELIVER_WEBHOOKS_FUNCTION, PUBLISH_EVENTS_FUNCTION } from './eventFunctions.js';
import { PipelineFunction } from './PipelineFunction.js';
import { WEBHOOK_ID } from '../lambdas/shared/events/webhookId.js';

/** One webhook: where state changes are POSTed, signed as Standard Webhooks has it. */
export interface WebhookProps {
  /**
   * Stable name of the webhook: letters, digits and hyphens, up to 64, unique among the
   * webhooks. It names the webhook's rule and is how a queued delivery names its webhook.
   */
  readonly id: string;
  /**
   * Where deliveries are POSTed: an `https://` URL. A host that is an IP literal in a loopback,
   * private (10/8, 172.16/12, 192.168/16), link-local (169.254/16, the metadata address
   * included, fe80::/10), carrier-grade NAT (100.64/10), unspecified or unique-local (fc00::/7)
   * range, in any spelling, or `localhost` and names under it, fails synth: a delivery would
   * reach the deployer's own network or the Lambda runtime, not a receiver. The deliverer
   * refuses such a URL again before each send, so one made at deploy time is covered too.
   */
  readonly url: string;
  /**
   * The Secrets Manager secret whose string is the signing secret, as Standard Webhooks gives
   * it: `whsec_` and the base64 of 24 to 64 random bytes. Read at most 5 minutes before use, so
   * a rotated value signs within 5 minutes.
   */
  readonly secret: ISecret;
  /**
   * The state changes to deliver, by detail type (`Upload Ready`, `Upload Failed`, …).
   * @default - every state change
   */
  readonly events?: readonly UploadEventDetailType[];
}

export interface UploadEventsProps {
  /** The Uploads table; it must have a stream (NEW_IMAGE), which feeds the publisher. */
  readonly uploadsTable: ITable;
  /**
   * Endpoints every matching state change is delivered to (at most 10).
   * @default [] - events go on the bus only
   */
  readonly webhooks?: readonly WebhookProps[];
  /**
   * What happens to the functions' log groups when they leave the stack.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/** The most webhooks: each adds a rule, an entry in the deliverer's 4 KB environment and a secret it may read. */
export const MAX_WEBHOOKS = 10;

/** What the webhooks may take of the deliverer's environment, which Lambda caps at 4 KB in all. */
const MAX_WEBHOOK_ENVIRONMENT = 3_000;

/** The deliverer's time limit: ten deliveries side by side, each waiting at most 10 s for its receiver. */
const DELIVERY_TIMEOUT = Duration.seconds(30);

/**
 * The event publisher's stream reading. TRIM_HORIZON, as for live progress: nothing written
 * since the stream began is skipped. A failing batch is retried for as long as the stream keeps
 * it (24 hours), since a backend's events are not live news that goes stale, then recorded in
 * the on-failure queue, whose alarm says so.
 */
const PUBLISH_STREAM = {
  startingPosition: StartingPosition.TRIM_HORIZON,
  batchSize: 100,
  bisectBatchOnError: true,
  retryAttempts: 10_000,
  maxRecordAge: Duration.days(1),
  reportBatchItemFailures: true,
} as const;

/**
 * Upload state changes as events: a custom EventBridge bus gets one event per state change
 * (source `media-pipeline`, detail type `Upload Created` … `Upload Expired`, detail the public
 * record, its owner and the state it left), put by a function fed by the Uploads table's
 * stream, so no writer has to remember. A deployer routes them anywhere with a rule on `bus`.
 *
 * Webhooks are rules on the same bus: each sends its matching events to one encrypted queue,
 * tagged with the webhook's id; a delivery function signs each as Standard Webhooks has it and
 * POSTs it. A failed delivery is hidden for a growing wait (5 s to 10 h, eight tries over 27.6
 * hours) with ChangeMessageVisibility, then dead-lettered; an alarm watches the dead-letter
 * queue. Delivery is at least once; `webhook-id` is the same on every copy of one state change.
 */
export class UploadEvents extends Construct {
  /** The bus every state change is put on. */
  readonly bus: EventBus;
  /** Puts an event on the bus for every state change, fed by the Uploads table's stream. */
  readonly publishFunction: PipelineFunction;
  /** Receives a record of each stream batch the publisher gave up on (shard and sequence numbers). */
  readonly publishFailureQueue: Queue;
  /** In alarm while a failed stream batch waits in `publishFailureQueue`: events of those writes were never put. */
  readonly publishFailureAlarm: Alarm;
  /** Deliveries waiting for their next try; undefined without webhooks. */
  readonly webhookQueue: Queue | undefined;
  /** Deliveries that failed every try (and events EventBridge could not queue); undefined without webhooks. */
  readonly webhookDeadLetterQueue: Queue | undefined;
  /** In alarm while a delivery waits in the dead-letter queue; undefined without webhooks. */
  readonly webhookDeadLetterAlarm: Alarm | undefined;
  /** Signs and POSTs deliveries; undefined without webhooks. */
  readonly deliveryFunction: PipelineFunction | undefined;
  /** Each webhook's rule on the bus, by webhook id. */
  readonly webhookRules: ReadonlyMap<string, Rule>;

  constructor(scope: Construct, id: string, props: UploadEventsProps) {
    super(scope, id);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    const webhooks = props.webhooks ?? [];
    checkWebhooks(webhooks);

    this.bus = new EventBus(this, 'Bus', { description: 'media-pipeline upload state changes' });

    this.publishFailureQueue = new Queue(this, 'PublishFailures', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    NagSuppressions.addResourceSuppressions(this.publishFailureQueue, [
      { id: 'AwsSolutions-SQS3', reason: "It is the event publisher's on-failure destination itself, a dead-letter queue with nothing behind it." },
    ]);
    this.publishFunction = new PipelineFunction(this, PUBLISH_EVENTS_FUNCTION.id, {
      handlerDir: PUBLISH_EVENTS_FUNCTION.handler,
      description: PUBLISH_EVENTS_FUNCTION.description,
      memorySize: 256,
      timeout: Duration.seconds(30),
      logRemovalPolicy: removalPolicy,
    }).bindEventBus(this.bus);
    this.publishFunction.consumeTableStream('UploadWrites', props.uploadsTable, { ...PUBLISH_STREAM, onFailure: this.publishFailureQueue });
    this.publishFailureAlarm = depthAlarm(
      this,
      'PublishFailureAlarm',
      this.publishFailureQueue,
      'The event publisher gave up on a batch of upload writes after a day of tries: their state-change events never reached the bus or any webhook (the queue message names the shard and sequence numbers)',
    );

    const rules = new Map<string, Rule>();
    this.webhookRules = rules;
    if (webhooks.length === 0) return;

    const webhookDeadLetterQueue = new Queue(this, 'WebhookDeadLetters', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    NagSuppressions.addResourceSuppressions(webhookDeadLetterQueue, [
      { id: 'AwsSolutions-SQS3', reason: 'It is the webhook deliveries’ dead-letter queue itself; its alarm asks for a look, and a redrive sends them again.' },
    ]);
    const maxReceiveCount = webhookMaxReceiveCount(WEBHOOK_RETRY_DELAYS_SECONDS);
    const webhookQueue = new Queue(this, 'WebhookDeliveries', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      // Lambda's advice for an event source: six function timeouts. A failed try sets its own, longer wait.
      visibilityTimeout: Duration.seconds(DELIVERY_TIMEOUT.toSeconds() * 6),
      // Past the last retry (27.6 hours after the first try), with room for a backlog.
      retentionPeriod: Duration.days(4),
      deadLetterQueue: { queue: webhookDeadLetterQueue, maxReceiveCount },
    });

    const deliveryFunction = new PipelineFunction(this, DELIVER_WEBHOOKS_FUNCTION.id, {
      handlerDir: DELIVER_WEBHOOKS_FUNCTION.handler,
      description: DELIVER_WEBHOOKS_FUNCTION.description,
      memorySize: 256,
      timeout: DELIVERY_TIMEOUT,
      logRemovalPolicy: removalPolicy,
    }).bindWebhooks(webhookQueue, webhooks);
    deliveryFunction.consumeQueue('Deliveries', webhookQueue, {
      batchSize: 10,
      reportBatchItemFailures: true,
      // The poller receives no more than it can run, so a throttled invocation does not use up a try.
      maxConcurrency: 10,
    });

    for (const webhook of webhooks) {
      const rule = new Rule(this, `${webhook.id}Rule`, {
        eventBus: this.bus,
        description: `State changes delivered to the webhook ${webhook.id}`,
        eventPattern: { source: [EVENT_SOURCE], ...(webhook.events === undefined ? {} : { detailType: [...webhook.events] }) },
      });
      rule.addTarget(
        new SqsQueue(webhookQueue, {
          message: RuleTargetInput.fromObject({ webhook: webhook.id, event: EventField.fromPath('$') }),
          // EventBridge retries a queue it cannot reach for 24 hours, then leaves the event here, where the alarm sees it.
          deadLetterQueue: webhookDeadLetterQueue,
        }),
      );
      rules.set(webhook.id, rule);
    }

    this.webhookQueue = webhookQueue;
    this.webhookDeadLetterQueue = webhookDeadLetterQueue;
    this.deliveryFunction = deliveryFunction;
    this.webhookDeadLetterAlarm = depthAlarm(
      this,
      'WebhookDeadLetterAlarm',
      webhookDeadLetterQueue,
      'A webhook delivery failed every try over 27.6 hours, or EventBridge could not queue it (the deliver-webhooks logs say why); redrive the dead-letter queue once the receiver answers',
    );
  }
}

function depthAlarm(scope: Construct, id: string, queue: Queue, description: string): Alarm {
  // Nothing consumes the queue, so a message stays until someone looks: its depth is the signal.
  return new Alarm(scope, id, {
    alarmDescription: description,
    metric: queue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1), statistic: 'Maximum' }),
    threshold: 1,
    evaluationPeriods: 1,
    comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    treatMissingData: TreatMissingData.NOT_BREACHING,
  });
}

/** Throws at synth, naming the prop and its value, on a webhook that could not deliver or would be ambiguous. */
export function checkWebhooks(webhooks: readonly WebhookProps[]): void {
  if (webhooks.length > MAX_WEBHOOKS) throw new Error(`webhooks takes at most ${MAX_WEBHOOKS} endpoints, got ${webhooks.length}`);
  // Each webhook's URL and secret ARN (about 100 characters, more for a long name) ride in the deliverer's 4 KB environment.
  const environmentSize = webhooks.reduce((sum, webhook) => sum + webhook.url.length + webhook.id.length + 150, 0);
  if (environmentSize > MAX_WEBHOOK_ENVIRONMENT) {
    throw new Error(`webhooks need about ${environmentSize} characters of the delivery function's 4 KB environment, over ${MAX_WEBHOOK_ENVIRONMENT}: use fewer or shorter URLs`);
  }
  const seen = new Set<string>();
  webhooks.forEach((webhook, index) => {
    const name = `webhooks[${index}]`;
    if (!WEBHOOK_ID.test(webhook.id)) {
      throw new Error(`${name}.id must be 1 to 64 letters, digits and hyphens, starting with a letter or digit, got '${webhook.id}'`);
    }
    if (seen.has(webhook.id)) throw new Error(`${name}.id must be unique among the webhooks, got '${webhook.id}' twice`);
    seen.add(webhook.id);
    // A URL made at deploy time (a token) cannot be read here; the deliverer checks it before every send.
    if (!Token.isUnresolved(webhook.url)) {
      if (!isHttpsUrl(webhook.url)) {
        throw new Error(`${name}.url must be an https:// URL with a host and no credentials (over plain http anyone on the path reads the upload records and can replay them), got '${webhook.url}'`);
      }
      const internal = internalHostReason(webhook.url);
      if (internal) throw new Error(`${name}.url must point at a receiver outside the deployer's network, got '${webhook.url}': ${internal}`);
    }
    if (webhook.events !== undefined) {
      if (webhook.events.length === 0) throw new Error(`${name}.events needs at least one event type (leave it out for every state change), got []`);
      for (const type of webhook.events) {
        if (!UPLOAD_EVENT_DETAIL_TYPES.includes(type)) {
          throw new Error(`${name}.events has '${type}', which is none of ${UPLOAD_EVENT_DETAIL_TYPES.join(', ')}`);
        }
      }
    }
  });
}

function isHttpsUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'https:' && url.hostname !== '' && url.username === '' && url.password === '';
  } catch {
    return false;
  }
}
