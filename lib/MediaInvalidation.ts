import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import type { IDistribution } from 'aws-cdk-lib/aws-cloudfront';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { MAX_WILDCARD_PATHS } from '../lambdas/invalidate-media/cloudFrontLimits.js';
import { INVALIDATE_MEDIA_FUNCTION } from './eventFunctions.js';
import { PipelineFunction } from './PipelineFunction.js';

/** The invalidator's time limit: one CreateInvalidation and a few ChangeMessageVisibilityBatch calls. */
const FUNCTION_TIMEOUT = Duration.seconds(30);

/**
 * A cancelled processing run stops publishing within one cancel check (5 s, CancelWatch) plus
 * the upload in flight; a request waits this long first, so the invalidation comes after the
 * run's last object and nothing it published stays cached.
 */
const DELIVERY_DELAY = Duration.seconds(30);

export interface MediaInvalidationProps {
  /** The distribution that serves the media bucket. */
  readonly distribution: IDistribution;
  /**
   * How long the poller gathers requests into one invalidation (one batch holds at most 15
   * uploads, CloudFront's limit of wildcard paths in progress).
   * @default Duration.minutes(1)
   */
  readonly batchingWindow?: Duration;
  /**
   * Receives of one request before it moves to the dead-letter queue. A request CloudFront
   * refuses (too many invalidations in progress) waits 1, 2, 4 and 8 minutes, then 15 minutes
   * between tries, so the default keeps trying for about 12 hours.
   * @default 50
   */
  readonly maxReceiveCount?: number;
  /**
   * What happens to the invalidator's log group when it leaves the stack.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * Delete means gone from the CDN too: outputs are cached at the edge for up to a year
 * (segments and images are `immutable`), so a delete sends the upload's id to an encrypted,
 * TLS-only queue (`bindRequester`), and an invalidator function turns each batch into one
 * CloudFront invalidation of `/media/{uploadId}/*` per upload, with cloudfront:CreateInvalidation
 * on this distribution only. Batching keeps within CloudFront's 15 wildcard paths in progress per
 * distribution; a batch it refuses is retried with a doubling backoff, and a request that fails
 * every receive moves to a dead-letter queue, which raises an alarm. A second alarm fires while
 * requests wait longer than an hour: deleted media is still being served from the cache.
 */
export class MediaInvalidation extends Construct {
  readonly queue: Queue;
  readonly deadLetterQueue: Queue;
  readonly function: PipelineFunction;
  /** In alarm while a request that failed every receive waits in the dead-letter queue (redrive it once CloudFront takes invalidations again). */
  readonly deadLetterAlarm: Alarm;
  /** In alarm while the oldest request is over an hour old: invalidations fall behind the deletes. */
  readonly queueAgeAlarm: Alarm;

  constructor(scope: Construct, id: string, props: MediaInvalidationProps) {
    super(scope, id);
    const batchingWindow = props.batchingWindow ?? Duration.minutes(1);
    const maxReceiveCount = props.maxReceiveCount ?? 50;
    validate(batchingWindow, maxReceiveCount);

    this.deadLetterQueue = new Queue(this, 'DeadLetterQueue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    this.queue = new Queue(this, 'Queue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      deliveryDelay: DELIVERY_DELAY,
      // Lambda's advice for an event source: six function timeouts, plus the batching window the poller holds messages for.
      visibilityTimeout: Duration.seconds(FUNCTION_TIMEOUT.toSeconds() * 6 + batchingWindow.toSeconds()),
      retentionPeriod: Duration.days(4),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount },
    });

    this.function = new PipelineFunction(this, INVALIDATE_MEDIA_FUNCTION.id, {
      handlerDir: INVALIDATE_MEDIA_FUNCTION.handler,
      description: INVALIDATE_MEDIA_FUNCTION.description,
      memorySize: 256,
      timeout: FUNCTION_TIMEOUT,
      logRemovalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    })
      .bindDistribution(props.distribution)
      .bindInvalidationQueue(this.queue, ['delay']);
    this.function.consumeQueue('Requests', this.queue, {
      batchSize: MAX_WILDCARD_PATHS,
      maxBatchingWindow: batchingWindow,
      reportBatchItemFailures: true,
      // The least Lambda allows: more invocations at once would only meet CloudFront's limit sooner.
      maxConcurrency: 2,
    });

    this.deadLetterAlarm = new Alarm(this, 'DeadLetterAlarm', {
      alarmDescription:
        "A deleted upload's outputs could not be invalidated in the CDN and may be served from its cache (the invalidate-media logs say why); redrive the dead-letter queue once fixed",
      metric: this.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1), statistic: 'Maximum' }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    this.queueAgeAlarm = new Alarm(this, 'QueueAgeAlarm', {
      alarmDescription: 'Invalidation requests have waited over an hour: deletes outpace CloudFront invalidations, or CloudFront refuses them',
      metric: this.queue.metricApproximateAgeOfOldestMessage({ period: Duration.minutes(5), statistic: 'Maximum' }),
      threshold: Duration.hours(1).toSeconds(),
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
  }

  /** Lets `fn` request invalidations: sets its `INVALIDATION_QUEUE_URL` and grants sqs:SendMessage on the queue. */
  bindRequester(fn: PipelineFunction): void {
    fn.bindInvalidationQueue(this.queue, ['send']);
  }
}

function validate(batchingWindow: Duration, maxReceiveCount: number): void {
  const seconds = batchingWindow.toSeconds({ integral: false });
  if (!Number.isInteger(seconds) || seconds < 0 || seconds > 300) {
    throw new Error(`MediaInvalidation batchingWindow must be whole seconds from 0 to 5 minutes, got ${batchingWindow.toHumanString()}`);
  }
  if (!Number.isInteger(maxReceiveCount) || maxReceiveCount < 1 || maxReceiveCount > 1000) {
    throw new Error(`MediaInvalidation maxReceiveCount must be a whole number from 1 to 1000, got ${maxReceiveCount}`);
  }
}
