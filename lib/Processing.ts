import { Duration, RemovalPolicy, Size, Stack } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Architecture, type CfnLayerVersion, type ILayerVersion } from 'aws-cdk-lib/aws-lambda';
import { EventType, type IBucket } from 'aws-cdk-lib/aws-s3';
import { SqsDestination } from 'aws-cdk-lib/aws-s3-notifications';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { NagSuppressions } from 'cdk-nag';
import { Construct } from 'constructs';
import { ENV, PROCESSING_ENV } from '../lambdas/shared/config.js';
import { type ProcessingLimitsOverrides, resolveProcessingLimits } from '../lambdas/process-upload/plan/processingLimits.js';
import { videoPixelBudget } from '../lambdas/process-upload/plan/videoWorkBudget.js';
import { FAIL_DEAD_LETTERS_FUNCTION, PROCESS_UPLOAD_FUNCTION, UPLOADS_PREFIX } from './eventFunctions.js';
import { TRANSCODER_SETTINGS, type TranscoderSetting } from '../lambdas/process-upload/plan/transcoderRouting.js';
import { FfmpegLayer, LAYER_FFMPEG_PATH, LAYER_FFPROBE_PATH } from './FfmpegLayer.js';
import { MalwareScan } from './MalwareScan.js';
import { type MediaConvertProps, MediaConvertTranscoder } from './MediaConvertTranscoder.js';
import { PipelineFunction } from './PipelineFunction.js';

/** SQS's recommendation for a Lambda event source: the visibility timeout is six times the function timeout. */
const VISIBILITY_TIMEOUT_FACTOR = 6;

export interface ProcessingProps {
  readonly uploadsBucket: IBucket;
  readonly mediaBucket: IBucket;
  readonly table: ITable;
  /** Base URL that output URLs start with (the CDN's `https://…` origin). */
  readonly mediaBaseUrl: string;
  /**
   * Memory of the process function, in MB. ffmpeg's speed follows the vCPUs Lambda gives with
   * memory (about one per 1,769 MB; six at 10,240 MB), and x264 uses them all: the cost per
   * transcoded minute stays about the same while a run finishes sooner, which keeps a
   * 20-minute 1080p video inside the 15-minute limit (docs/processing.md).
   * @default 10240
   */
  readonly memorySize?: number;
  /**
   * Time limit of one processing run (at most 15 minutes). The queue's visibility timeout is
   * six times this.
   * @default Duration.minutes(15)
   */
  readonly timeout?: Duration;
  /**
   * Concurrency reserved for (and capping) the process function.
   * @default - none: `maxConcurrency` caps it without taking from the account's pool
   */
  readonly reservedConcurrency?: number;
  /**
   * Most concurrent processing runs the queue starts (2 to 1,000).
   * @default 10
   */
  readonly maxConcurrency?: number;
  /**
   * Size of /tmp, which holds one upload's outputs while they are made.
   * @default Size.gibibytes(10) - the maximum: a 20-minute 1080p ladder is about 2 GB
   */
  readonly ephemeralStorageSize?: Size;
  /**
   * The process function's architecture; the ffmpeg layer is built for it. Graviton (arm64)
   * costs about 20% less per GB-second than x86_64.
   * @default Architecture.ARM_64
   */
  readonly architecture?: Architecture;
  /**
   * A layer of your own with `bin/ffmpeg` and `bin/ffprobe` (at `/opt/bin/…`) for `architecture`,
   * instead of the FfmpegLayer built by `layers/ffmpeg/build.sh`. Its ffmpeg needs the http and
   * tcp protocols and the demuxers, decoders and encoders that build.sh enables.
   * @default - an FfmpegLayer for `architecture`
   */
  readonly ffmpegLayer?: ILayerVersion;
  /**
   * Duration, resolution and work limits, merged over the defaults
   * (`DEFAULT_PROCESSING_LIMITS`: audio 3 hours, video 20 minutes, 8192x8192 pixels).
   * `maxVideoPixels` (width × height × fps × seconds one run can encode) is derived from
   * `memorySize` and `timeout` unless given.
   * @default - the defaults, and the work limit of this function's memory and timeout
   */
  readonly limits?: ProcessingLimitsOverrides;
  /**
   * Receives of one event before it moves to the dead-letter queue; the last one fails the
   * upload instead of leaving it `processing` (and the dead-letter function does, when that
   * run died first).
   * @default 3
   */
  readonly maxReceiveCount?: number;
  /**
   * Which transcoder makes video outputs: `auto` sends video longer than
   * `mediaConvert.routeLongerThan` (10 minutes), with a short side over 1080 pixels, or more
   * than one run can encode to AWS Elemental MediaConvert, and the rest to the ffmpeg run (much
   * cheaper); `mediaconvert` sends every video there; `ffmpeg` synthesizes no MediaConvert
   * resource at all. Audio and images always stay on ffmpeg.
   * @default 'auto'
   */
  readonly transcoder?: TranscoderSetting;
  /**
   * Routing and limits of the MediaConvert path (ignored with `transcoder: 'ffmpeg'`).
   * @default - 10-minute and 1080-pixel lines, 4-hour limit, no acceleration
   */
  readonly mediaConvert?: MediaConvertProps;
  /**
   * Scan every new original with Amazon GuardDuty Malware Protection for S3 (lib/MalwareScan.ts)
   * and process only those it finds clean: processing is then woken by GuardDuty's scan result
   * instead of S3's object event; a threat fails the upload `MALWARE_DETECTED` and deletes the
   * original (docs/processing.md). GuardDuty bills per GB scanned and per object.
   * @default false
   */
  readonly malwareScan?: boolean;
  /**
   * What happens to the log group and the ffmpeg layer when they leave the stack.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * Processing of uploaded originals: S3 `ObjectCreated` events under `uploads/` (with
 * `malwareScan`, GuardDuty's scan results for them instead) go to an encrypted, TLS-only queue; the process function (arm64 by default, with the ffmpeg layer) takes them
 * one at a time and reports failed messages individually; after `maxReceiveCount` receives an
 * event moves to a dead-letter queue. The function reads originals (GetObject, served to ffmpeg on loopback),
 * writes and deletes outputs under `media/`, and moves records through `transition`.
 *
 * The process function fails an upload on its last attempt, but a run that dies (a crash, the
 * hard timeout, out of memory) cannot, so a second function consumes the dead-letter queue and
 * fails the upload of every dead letter that is still `uploaded` or `processing`. It may only
 * update records. Each dead letter raises an alarm.
 */
export class Processing extends Construct {
  readonly function: PipelineFunction;
  readonly queue: Queue;
  readonly deadLetterQueue: Queue;
  /** Fails the uploads of dead-lettered events that no processing run could fail. */
  readonly deadLetterFunction: PipelineFunction;
  /** In alarm in each minute a dead letter arrives (or is retried); add actions (SNS, chat) to it. */
  readonly deadLetterAlarm: Alarm;
  /**
   * In alarm while the oldest event in the queue is older than two processing timeouts: an
   * upload waited at least one whole run for a slot (processing falls behind), or an event is
   * retried after a failed attempt (the queue redelivers after six timeouts). Add actions to it.
   */
  readonly queueAgeAlarm: Alarm;
  /** The layer the function runs ffmpeg from: the one passed in, or the FfmpegLayer made here. */
  readonly ffmpegLayer: ILayerVersion;
  /** GuardDuty's protection plan, its role and the scan-result rule; undefined unless `malwareScan`. */
  readonly malwareScan: MalwareScan | undefined;
  /** MediaConvert's queue, job role and status function; undefined with `transcoder: 'ffmpeg'`. */
  readonly mediaConvert: MediaConvertTranscoder | undefined;
  /** How long a received event stays hidden: after it, an event whose run died is delivered again. */
  readonly visibilityTimeout: Duration;
  /** How long the queue keeps an event that no run took. */
  readonly queueRetention: Duration;

  constructor(scope: Construct, id: string, props: ProcessingProps) {
    super(scope, id);
    const timeout = props.timeout ?? Duration.minutes(15);
    const transcoder = props.transcoder ?? 'auto';
    if (!TRANSCODER_SETTINGS.includes(transcoder)) {
      throw new Error(`Processing transcoder must be one of ${TRANSCODER_SETTINGS.join(', ')}, got ${String(transcoder)}`);
    }
    const maxReceiveCount = props.maxReceiveCount ?? 3;
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    const memorySize = props.memorySize ?? 10240;
    validate(timeout, maxReceiveCount, props.maxConcurrency, memorySize, props.reservedConcurrency);
    // Fails synth on a bad limit, with the field named, instead of every run at cold start.
    const limits = resolveProcessingLimits(
      { maxVideoPixels: videoPixelBudget(memorySize, timeout.toSeconds()), ...props.limits },
      'Processing limits',
    );

    this.deadLetterQueue = new Queue(this, 'DeadLetterQueue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    this.visibilityTimeout = Duration.seconds(timeout.toSeconds() * VISIBILITY_TIMEOUT_FACTOR);
    this.queueRetention = Duration.days(4);
    // SQS-managed keys, not the AWS-managed KMS key: S3 cannot send notifications to a queue encrypted with aws/sqs.
    this.queue = new Queue(this, 'Queue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      visibilityTimeout: this.visibilityTimeout,
      retentionPeriod: this.queueRetention,
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount },
    });
    const malwareScan = props.malwareScan ?? false;
    // With the scan on, an original's first event is its verdict: S3's own event would only wake
    // the function to find nothing it may do yet.
    this.malwareScan = malwareScan
      ? new MalwareScan(this, 'MalwareScan', {
          bucket: props.uploadsBucket,
          objectPrefix: UPLOADS_PREFIX,
          queue: this.queue,
          deadLetterQueue: this.deadLetterQueue,
        })
      : undefined;
    if (!malwareScan) {
      props.uploadsBucket.addEventNotification(EventType.OBJECT_CREATED, new SqsDestination(this.queue), { prefix: UPLOADS_PREFIX });
      acknowledgeNotificationsHandler(this);
    }

    const architecture = props.architecture ?? Architecture.ARM_64;
    if (props.ffmpegLayer) checkLayerArchitecture(props.ffmpegLayer, architecture);
    this.ffmpegLayer = props.ffmpegLayer ?? new FfmpegLayer(this, 'FfmpegLayer', { architecture, removalPolicy }).layer;

    this.function = new PipelineFunction(this, PROCESS_UPLOAD_FUNCTION.id, {
      handlerDir: PROCESS_UPLOAD_FUNCTION.handler,
      description: PROCESS_UPLOAD_FUNCTION.description,
      architecture,
      memorySize,
      timeout,
      ephemeralStorageSize: props.ephemeralStorageSize ?? Size.gibibytes(10),
      reservedConcurrentExecutions: props.reservedConcurrency,
      layers: [this.ffmpegLayer],
      logRemovalPolicy: removalPolicy,
      environment: {
        [PROCESSING_ENV.ffmpegPath]: LAYER_FFMPEG_PATH,
        [PROCESSING_ENV.ffprobePath]: LAYER_FFPROBE_PATH,
        [PROCESSING_ENV.processingLimits]: JSON.stringify(limits),
        [PROCESSING_ENV.maxReceiveCount]: String(maxReceiveCount),
        [ENV.mediaBaseUrl]: props.mediaBaseUrl,
      },
    })
      .bindUploadsTable(props.table, { items: ['get', 'update'] })
      // Reads the original (ffprobe/ffmpeg), and checks it is whole before claiming an initiated
      // upload; deletes an original that arrived after its upload ended (a single-PUT URL outlives
      // a cancel) and, with the scan on, reads the verdict tag and deletes an original found infected.
      // Claiming a checksum upload it finds completed first, it records the checksum S3 verified.
      .bindUploadsBucket(props.uploadsBucket, ['read', 'find', 'delete', 'readChecksum'])
      .bindMalwareScan(props.uploadsBucket, malwareScan)
      // Publishes outputs, and deletes them when the upload was cancelled meanwhile; following a
      // MediaConvert job that ended (a redelivered event) reads what the job wrote.
      .bindMediaBucket(props.mediaBucket, transcoder === 'ffmpeg' ? ['write', 'delete'] : ['read', 'write', 'delete']);

    this.mediaConvert =
      transcoder === 'ffmpeg'
        ? undefined
        : new MediaConvertTranscoder(this, 'MediaConvert', {
            ...props.mediaConvert,
            transcoder,
            uploadsBucket: props.uploadsBucket,
            mediaBucket: props.mediaBucket,
            table: props.table,
            mediaBaseUrl: props.mediaBaseUrl,
            ffmpegLayer: this.ffmpegLayer,
            architecture,
            removalPolicy,
          });
    // Submits jobs, cancels one whose upload went meanwhile; a redelivered event asks about the job it already submitted.
    this.mediaConvert?.bind(this.function, ['submit', 'get', 'cancel']);

    this.function.consumeQueue('Events', this.queue, {
      batchSize: 1,
      reportBatchItemFailures: true,
      maxConcurrency: props.maxConcurrency ?? 10,
    });

    this.deadLetterFunction = new PipelineFunction(this, FAIL_DEAD_LETTERS_FUNCTION.id, {
      handlerDir: FAIL_DEAD_LETTERS_FUNCTION.handler,
      description: FAIL_DEAD_LETTERS_FUNCTION.description,
      memorySize: 256,
      logRemovalPolicy: removalPolicy,
      // Only for the failure message ("after N attempts").
      environment: { [PROCESSING_ENV.maxReceiveCount]: String(maxReceiveCount) },
    })
      .bindUploadsTable(props.table, { items: ['get', 'update'] })
      // A run that died may have published the poster (and more) before it did: removed with the failure.
      .bindMediaBucket(props.mediaBucket, ['delete']);
    // No redrive policy on the dead-letter queue: a dead letter whose upload could not be written
    // is received again until it is, or until the queue's 14-day retention ends.
    this.deadLetterFunction.consumeQueue('DeadLetters', this.deadLetterQueue, { batchSize: 10, reportBatchItemFailures: true });

    // The consumer empties the dead-letter queue within seconds, so its depth (sampled each
    // minute) would rarely show a dead letter, and SQS's NumberOfMessagesSent leaves out
    // messages moved there by the redrive policy. Every receive from the queue is an
    // invocation of the consumer, so its Invocations count each dead letter instead.
    this.deadLetterAlarm = new Alarm(this, 'DeadLetterAlarm', {
      alarmDescription:
        'Upload events failed processing on every attempt; their uploads were marked failed (the fail-dead-letters logs name them)',
      metric: this.deadLetterFunction.function.metricInvocations({ period: Duration.minutes(1), statistic: 'Sum' }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });

    // The age counts from S3's event, and a run keeps its event until it ends (at most one
    // timeout), so an age past two timeouts means the event waited a whole run for a slot. One
    // user's events are at most their unfinished uploads (maxActiveUploadsPerUser), so this is
    // processing as a whole falling behind, or a redelivered event (docs/architecture.md).
    this.queueAgeAlarm = new Alarm(this, 'QueueAgeAlarm', {
      alarmDescription:
        'Upload events have waited longer than two processing timeouts: processing is falling behind its uploads, or an event is being retried',
      metric: this.queue.metricApproximateAgeOfOldestMessage({ period: Duration.minutes(1), statistic: 'Maximum' }),
      threshold: 2 * timeout.toSeconds(),
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
  }
}

/** The id aws-s3 gives the stack-wide function that writes bucket notification configurations. */
const NOTIFICATIONS_HANDLER_ID = 'BucketNotificationsHandler050a0587b7544547bf325f094a3db834';

function acknowledgeNotificationsHandler(scope: Construct): void {
  const handler = Stack.of(scope).node.tryFindChild(NOTIFICATIONS_HANDLER_ID);
  if (!handler) return;
  NagSuppressions.addResourceSuppressions(
    handler,
    [
      {
        id: 'AwsSolutions-IAM4',
        reason:
          "aws-s3's own deploy-time function that writes the bucket's notification configuration; CDK gives its role only the basic execution policy, which we cannot replace.",
        appliesTo: ['Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole'],
      },
    ],
    true,
  );
}

/**
 * A layer made in this app states its architectures; one that leaves out the function's would
 * deploy and then fail every upload with "exec format error", so synth fails instead. A layer
 * imported by ARN states none, and is taken as it is.
 */
function checkLayerArchitecture(layer: ILayerVersion, architecture: Architecture): void {
  const stated = (layer.node.defaultChild as CfnLayerVersion | undefined)?.compatibleArchitectures;
  if (stated !== undefined && !stated.includes(architecture.name)) {
    throw new Error(
      `The ffmpeg layer ${layer.node.path} is for ${stated.join(', ')}, but the process function runs on ${architecture.name}: ` +
        'pass a layer built for it, or set the architecture to match',
    );
  }
}

function validate(timeout: Duration, maxReceiveCount: number, maxConcurrency: number | undefined, memorySize: number, reservedConcurrency: number | undefined): void {
  const seconds = timeout.toSeconds({ integral: false });
  if (seconds < 60 || seconds > 900) {
    throw new Error(`Processing timeout must be from 1 to 15 minutes (Lambda's limit), got ${timeout.toHumanString()}`);
  }
  if (!Number.isInteger(maxReceiveCount) || maxReceiveCount < 1 || maxReceiveCount > 1000) {
    throw new Error(`maxReceiveCount must be a whole number from 1 to 1000, got ${maxReceiveCount}`);
  }
  if (maxConcurrency !== undefined && (!Number.isInteger(maxConcurrency) || maxConcurrency < 2 || maxConcurrency > 1000)) {
    throw new Error(`maxConcurrency must be a whole number from 2 to 1000, got ${maxConcurrency}`);
  }
  if (!Number.isInteger(memorySize) || memorySize < 128 || memorySize > 10240) {
    throw new Error(`Processing memorySize must be a whole number of MB from 128 to 10240 (Lambda's limits), got ${memorySize}`);
  }
  // Zero would be legal for Lambda and would leave every upload waiting until the sweep fails it.
  if (reservedConcurrency !== undefined && (!Number.isInteger(reservedConcurrency) || reservedConcurrency < 1)) {
    throw new Error(`Processing reservedConcurrency must be a whole number of at least 1, got ${reservedConcurrency}`);
  }
}
