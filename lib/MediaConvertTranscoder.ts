import { Duration, type RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { Architecture, ILayerVersion } from 'aws-cdk-lib/aws-lambda';
import { CfnQueue } from 'aws-cdk-lib/aws-mediaconvert';
import { BucketGrants, type IBucket } from 'aws-cdk-lib/aws-s3';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { NagSuppressions } from 'cdk-nag';
import { Construct } from 'constructs';
import { ENV, PROCESSING_ENV } from '../lambdas/shared/config.js';
import { mediaPrefix, sourceKey } from '../lambdas/shared/keys.js';
import type { MediaConvertSettings } from '../lambdas/process-upload/mediaconvert/mediaConvertSettings.js';
import { resolveMediaConvertRouting, type TranscoderSetting } from '../lambdas/process-upload/plan/transcoderRouting.js';
import { BY_RUNNING_JOB_INDEX } from '../lambdas/shared/uploadIndexes.js';
import { MEDIACONVERT_STATUS_FUNCTION } from './eventFunctions.js';
import { LAYER_FFMPEG_PATH } from './FfmpegLayer.js';
import { type MediaConvertBinding, PipelineFunction } from './PipelineFunction.js';

/** How `auto` routes video to MediaConvert, and what MediaConvert takes on. */
export interface MediaConvertProps {
  /**
   * Video longer than this goes to MediaConvert (under `transcoder: 'auto'`).
   * @default Duration.minutes(10)
   */
  readonly routeLongerThan?: Duration;
  /**
   * Video whose short side has more pixels than this goes to MediaConvert (4K phone video).
   * @default 1080
   */
  readonly routeShortSideOver?: number;
  /**
   * The longest video MediaConvert is given; longer ones fail TOO_LONG.
   * @default Duration.hours(4)
   */
  readonly maxDuration?: Duration;
  /**
   * Accelerated transcoding where MediaConvert finds it worthwhile (PREFERRED): faster long jobs,
   * at pro-tier pricing.
   * @default false
   */
  readonly accelerated?: boolean;
}

export interface MediaConvertTranscoderProps extends MediaConvertProps {
  readonly transcoder: Exclude<TranscoderSetting, 'ffmpeg'>;
  readonly uploadsBucket: IBucket;
  readonly mediaBucket: IBucket;
  readonly table: ITable;
  /** Base URL that output URLs start with (the CDN's `https://…` origin). */
  readonly mediaBaseUrl: string;
  /** The status function tiles the thumbnail sprite with the same ffmpeg as processing. */
  readonly ffmpegLayer: ILayerVersion;
  readonly architecture: Architecture;
  readonly removalPolicy: RemovalPolicy;
}

/** How often the status function asks about silent jobs. */
const CHECK_INTERVAL = Duration.minutes(10);

/**
 * The MediaConvert side of processing: the stack's own on-demand queue; the role jobs run as
 * (trusted by MediaConvert only, from this account; it may read originals and write outputs,
 * nothing else); and the status function, which an EventBridge rule feeds with this queue's
 * job state changes (and a periodic tick to ask about silent jobs), with retries, a dead-letter
 * queue and an alarm. `bind` gives another function the job actions it needs.
 */
export class MediaConvertTranscoder extends Construct {
  readonly queue: CfnQueue;
  /** The role every job runs as. */
  readonly jobRole: Role;
  readonly statusFunction: PipelineFunction;
  readonly eventRule: Rule;
  readonly checkRule: Rule;
  /** Events the status function failed on every retry, and events EventBridge could not deliver. */
  readonly deadLetterQueue: Queue;
  /** In alarm while a job event waits in the dead-letter queue; add actions to it. */
  readonly deadLetterAlarm: Alarm;
  private readonly binding: MediaConvertBinding;
  private readonly transcoder: Exclude<TranscoderSetting, 'ffmpeg'>;

  constructor(scope: Construct, id: string, props: MediaConvertTranscoderProps) {
    super(scope, id);
    const stack = Stack.of(this);
    // Fails synth on a bad value, naming it, instead of every run at cold start.
    const routing = resolveMediaConvertRouting(
      {
        ...(props.routeLongerThan === undefined ? {} : { routeLongerThanSeconds: props.routeLongerThan.toSeconds({ integral: false }) }),
        ...(props.routeShortSideOver === undefined ? {} : { routeShortSideOver: props.routeShortSideOver }),
        ...(props.maxDuration === undefined ? {} : { maxDurationSeconds: props.maxDuration.toSeconds({ integral: false }) }),
      },
      'MediaConvert',
    );
    this.transcoder = props.transcoder;

    this.queue = new CfnQueue(this, 'Queue', {
      description: `Transcode jobs of ${stack.stackName}`,
      pricingPlan: 'ON_DEMAND',
      status: 'ACTIVE',
    });
    this.jobRole = new Role(this, 'JobRole', {
      description: `Assumed by MediaConvert for the transcode jobs of ${stack.stackName}`,
      assumedBy: new ServicePrincipal('mediaconvert.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': stack.account } },
      }),
    });
    // Object actions only (a bucket's grantRead/grantPut add GetBucket*, List*, tagging and
    // retention): what a job does is read its original and write its outputs.
    BucketGrants.fromBucket(props.uploadsBucket).actionsOnObjectKeys(this.jobRole, sourceKey('*'), 's3:GetObject');
    BucketGrants.fromBucket(props.mediaBucket).actionsOnObjectKeys(this.jobRole, `${mediaPrefix('*')}*`, 's3:PutObject');
    NagSuppressions.addResourceSuppressions(
      this.jobRole,
      [
        {
          id: 'AwsSolutions-IAM5',
          reason: "A job reads the one original of its upload and writes under that upload's media/ folder; ids are server-made, so the grant covers those two prefixes only.",
        },
      ],
      true,
    );

    const settings: MediaConvertSettings = {
      queueArn: this.queue.attrArn,
      roleArn: this.jobRole.roleArn,
      stackName: stack.stackName,
      accelerated: props.accelerated ?? false,
      routing,
    };
    this.binding = {
      queueArn: this.queue.attrArn,
      jobsArn: stack.formatArn({ service: 'mediaconvert', resource: 'jobs', resourceName: '*' }),
      role: this.jobRole,
      settingsJson: stack.toJsonString(settings),
    };

    this.deadLetterQueue = new Queue(this, 'DeadLetterQueue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    this.statusFunction = new PipelineFunction(this, MEDIACONVERT_STATUS_FUNCTION.id, {
      handlerDir: MEDIACONVERT_STATUS_FUNCTION.handler,
      description: MEDIACONVERT_STATUS_FUNCTION.description,
      architecture: props.architecture,
      // Copies a long video's segments onto themselves (cache headers) and tiles the sprite.
      memorySize: 1024,
      timeout: Duration.minutes(5),
      layers: [props.ffmpegLayer],
      retryAttempts: 2,
      maxEventAge: Duration.hours(6),
      deadLetterQueue: this.deadLetterQueue,
      logRemovalPolicy: props.removalPolicy,
      environment: {
        [PROCESSING_ENV.ffmpegPath]: LAYER_FFMPEG_PATH,
        [ENV.mediaBaseUrl]: props.mediaBaseUrl,
      },
    })
      .bindUploadsTable(props.table, { items: ['get', 'update'], queries: [BY_RUNNING_JOB_INDEX] })
      // Reads the job's playlists and frames, writes ours, copies segments onto themselves, removes leftovers.
      .bindMediaBucket(props.mediaBucket, ['read', 'write', 'delete']);
    this.bind(this.statusFunction, ['get']);

    const target = new LambdaFunction(this.statusFunction.function, {
      retryAttempts: 8,
      maxEventAge: Duration.hours(6),
      deadLetterQueue: this.deadLetterQueue,
    });
    this.eventRule = new Rule(this, 'JobStateChanges', {
      description: `MediaConvert job state changes of ${stack.stackName}'s queue`,
      eventPattern: {
        source: ['aws.mediaconvert'],
        detailType: ['MediaConvert Job State Change'],
        detail: { queue: [this.queue.attrArn] },
      },
      targets: [target],
    });
    this.checkRule = new Rule(this, 'SilentJobCheck', {
      description: `Asks MediaConvert about ${stack.stackName}'s jobs that went silent`,
      schedule: Schedule.rate(CHECK_INTERVAL),
      targets: [new LambdaFunction(this.statusFunction.function, { retryAttempts: 2, maxEventAge: CHECK_INTERVAL, deadLetterQueue: this.deadLetterQueue })],
    });

    this.deadLetterAlarm = new Alarm(this, 'DeadLetterAlarm', {
      alarmDescription: 'A MediaConvert job event could not be applied after every retry; its upload may stay processing until the silent-job check (the status function logs name it)',
      metric: this.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1), statistic: 'Maximum' }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
  }

  /** Gives `fn` the job actions `operations` name, and the settings to use them. */
  bind(fn: PipelineFunction, operations: Parameters<PipelineFunction['bindMediaConvert']>[2]): PipelineFunction {
    return fn.bindMediaConvert(this.transcoder, this.binding, operations);
  }
}
