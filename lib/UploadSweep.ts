import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { Rule } from 'aws-cdk-lib/aws-events';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { IQueue, Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { ENV, SWEEP_ENV } from '../lambdas/shared/config.js';
import type { SweepSettings } from '../lambdas/shared/sweepSettings.js';
import { SWEEP_UPLOADS_FUNCTION } from './eventFunctions.js';
import type { PipelineFunction } from './PipelineFunction.js';
import { scheduledFunction } from './scheduledFunction.js';
import { BY_PENDING_PROCESSING_INDEX } from './uploadsTableSchema.js';

/** What the sweep needs of processing: the queue it re-sends events to, and that queue's timings. */
export interface SweptProcessing {
  readonly queue: IQueue;
  /** After it, an event whose run died is delivered again (and the redelivery reclaims the upload). */
  readonly visibilityTimeout: Duration;
  /** How long the queue keeps an event no run took. */
  readonly queueRetention: Duration;
}

/** The sweep's timings and limits, as `MediaPipeline` passes them through. */
export interface UploadSweepSettingsProps {
  /**
   * How often the sweep runs (1 minute to 6 hours).
   * @default Duration.minutes(15)
   */
  readonly interval?: Duration;
  /**
   * How long past its expected end a stall must last before the sweep acts: an `uploaded`
   * upload with no write for this long is re-sent to processing; a `processing` one is failed
   * once nothing wrote it for the queue's visibility timeout plus this. At least a minute.
   * @default Duration.minutes(15)
   */
  readonly stallMargin?: Duration;
  /**
   * Times an upload's event is re-sent before the upload is failed as PROCESSING_STALLED (0 to 10).
   * @default 3
   */
  readonly maxRequeues?: number;
  /**
   * How long the sweep takes to check every upload's outputs once; each run checks a slice.
   * At least the interval (then every run checks them all).
   * @default Duration.days(1)
   */
  readonly outputScanCycle?: Duration;
}

export interface UploadSweepProps extends UploadSweepSettingsProps {
  readonly table: ITable;
  /** Only its name, for the re-sent events: the sweep never reads originals. */
  readonly uploadsBucket: IBucket;
  readonly mediaBucket: IBucket;
  readonly processing: SweptProcessing;
  /**
   * What happens to the log group when it leaves the stack.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * Leaves nothing stuck and nothing behind: a scheduled function finds, through a sparse index,
 * uploads whose processing stalled (an `uploaded` one whose event was lost is re-sent to the
 * process queue in S3's shape; one re-sent too often, or a `processing` one no run is left on,
 * is failed as PROCESSING_STALLED), and removes outputs that runs which died mid-publish left
 * under `media/` for failed, cancelled or removed uploads. Like the expiry job, a failed run is
 * retried twice, then its event lands in an encrypted, TLS-only dead-letter queue; each run
 * redoes all pending work, so a lost run only delays the sweep to the next one.
 */
export class UploadSweep extends Construct {
  readonly function: PipelineFunction;
  readonly rule: Rule;
  readonly deadLetterQueue: Queue;
  /** What the function is told (SWEEP_SETTINGS). */
  readonly settings: SweepSettings;

  constructor(scope: Construct, id: string, props: UploadSweepProps) {
    super(scope, id);
    const interval = props.interval ?? Duration.minutes(15);
    const stallMargin = props.stallMargin ?? Duration.minutes(15);
    const maxRequeues = props.maxRequeues ?? 3;
    const outputScanCycle = props.outputScanCycle ?? Duration.days(1);
    validate(interval, stallMargin, maxRequeues, outputScanCycle);
    this.settings = {
      intervalSeconds: interval.toSeconds(),
      uploadedStallSeconds: stallMargin.toSeconds(),
      processingStallSeconds: props.processing.visibilityTimeout.toSeconds() + stallMargin.toSeconds(),
      queueRetentionSeconds: props.processing.queueRetention.toSeconds(),
      maxRequeues,
      outputScanCycleSeconds: outputScanCycle.toSeconds(),
    };

    const scheduled = scheduledFunction(this, SWEEP_UPLOADS_FUNCTION, {
      interval,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
      environment: {
        [SWEEP_ENV.sweepSettings]: JSON.stringify(this.settings),
        // The bucket named in re-sent events; no access to it is granted.
        [ENV.uploadsBucket]: props.uploadsBucket.bucketName,
      },
    });
    this.function = scheduled.function
      // Finds stalled uploads through their index, reads the state of many at once for the
      // output check, and fails stalled ones (a transition reads the record back on a lost race).
      .bindUploadsTable(props.table, { items: ['get', 'batchGet', 'update'], queries: [BY_PENDING_PROCESSING_INDEX] })
      // Lists the upload folders under media/, and removes the outputs of garbage ones.
      .bindMediaBucket(props.mediaBucket, ['listUploads', 'delete'])
      // Re-sends lost events, and holds back while the queue has a backlog.
      .bindProcessQueue(props.processing.queue, ['send', 'countMessages']);
    this.rule = scheduled.rule;
    this.deadLetterQueue = scheduled.deadLetterQueue;
  }
}

function validate(interval: Duration, stallMargin: Duration, maxRequeues: number, outputScanCycle: Duration): void {
  const seconds = interval.toSeconds({ integral: false });
  // The interval is also the retry window, and Lambda keeps an async event at most 6 hours.
  if (seconds < 60 || seconds > 6 * 3600) {
    throw new Error(`sweep interval must be from 1 minute to 6 hours, got ${seconds} seconds`);
  }
  if (!Number.isInteger(stallMargin.toSeconds({ integral: false })) || stallMargin.toSeconds({ integral: false }) < 60) {
    throw new Error(`stallMargin must be whole seconds, at least 1 minute, got ${stallMargin.toHumanString()}`);
  }
  if (!Number.isInteger(maxRequeues) || maxRequeues < 0 || maxRequeues > 10) {
    throw new Error(`maxRequeues must be a whole number from 0 to 10, got ${maxRequeues}`);
  }
  if (!Number.isInteger(outputScanCycle.toSeconds({ integral: false })) || outputScanCycle.toSeconds({ integral: false }) < seconds) {
    throw new Error(`outputScanCycle must be whole seconds, at least the sweep interval (${seconds} seconds), got ${outputScanCycle.toHumanString()}`);
  }
}
