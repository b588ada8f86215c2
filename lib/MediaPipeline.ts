import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import type { ThrottleSettings } from 'aws-cdk-lib/aws-apigatewayv2';
import { Construct } from 'constructs';
import type { MediaAccess } from '../lambdas/shared/config.js';
import type { UploadPolicy } from '../lambdas/shared/mediaPolicy.js';
import { Auth, type CreatedUserPoolAuth, type ExternalJwtAuth } from './Auth.js';
import { Cdn } from './Cdn.js';
import { checkPipelineProps } from './checkPipelineProps.js';
import { DemoPage } from './DemoPage.js';
import { MediaInvalidation } from './MediaInvalidation.js';
import { PIPELINE_FEATURE_FLAGS } from './pipelineFeatureFlags.js';
import { Processing, type ProcessingProps } from './Processing.js';
import { ProgressApi } from './ProgressApi.js';
import { Storage } from './Storage.js';
import { UploadApi } from './UploadApi.js';
import { UploadEvents, type WebhookProps } from './UploadEvents.js';
import { UploadExpiry } from './UploadExpiry.js';
import { type RetentionProps, retentionFromProps } from './retentionFromProps.js';
import { UploadRetention } from './UploadRetention.js';
import { UploadSweep, type UploadSweepSettingsProps } from './UploadSweep.js';
import { uploadPolicyFromProps, type UploadPolicyProps } from './uploadPolicyFromProps.js';

export interface MediaPipelineProps extends UploadPolicyProps {
  /**
   * Who may call the API: `{ userPool: {...} }` creates a Cognito user pool and app client;
   * `{ jwtIssuer, jwtAudience }` trusts an existing OIDC issuer and creates no pool.
   * @default { userPool: {} } - a user pool with default options
   */
  readonly auth?: CreatedUserPoolAuth | ExternalJwtAuth;
  /**
   * Origins whose browsers may call the API and PUT parts to the uploads bucket.
   * @default ['*']
   */
  readonly corsOrigins?: readonly string[];
  /**
   * When S3 aborts a never-completed multipart upload itself, behind the expiry job. Whole
   * days, later than `uploadExpiry`.
   * @default - `uploadExpiry` rounded up to whole days, plus one day (2 days for the default)
   */
  readonly abortIncompleteMultipartUploadAfter?: Duration;
  /**
   * Request rate limits of the API's default stage.
   * @default { rateLimit: 100, burstLimit: 200 }
   */
  readonly throttle?: ThrottleSettings;
  /**
   * What happens to the buckets, table, user pool and log groups when they leave the stack.
   * `RemovalPolicy.DESTROY` (test stacks) also empties the buckets on delete.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * Processing of uploaded originals with ffmpeg (lib/Processing.ts).
   * @default - Processing's defaults: arm64, 10,240 MB, 15 minutes, no reserved concurrency, the FfmpegLayer built by layers/ffmpeg/build.sh
   */
  readonly processing?: MediaPipelineProcessingProps;
  /**
   * Scan every new original with Amazon GuardDuty Malware Protection for S3 before processing
   * (lib/MalwareScan.ts): only originals found clean are processed; a threat ends the upload
   * `failed` with `MALWARE_DETECTED` and deletes the original; no verdict within the sweep's
   * stall margin ends it `MALWARE_SCAN_TIMED_OUT` (docs/processing.md).
   * @default false
   */
  readonly malwareScan?: boolean;
  /**
   * The sweep that re-sends lost processing events, fails stalled processing and removes
   * outputs left behind (lib/UploadSweep.ts).
   * @default - UploadSweep's defaults: every 15 minutes, a 15-minute stall margin, 3 re-sends, outputs checked once a day
   */
  readonly sweep?: UploadSweepSettingsProps;
  /**
   * Live progress over a WebSocket API (lib/ProgressApi.ts): every write of an upload record
   * pushed to its owner's subscribed connections.
   * @default { enabled: true } - with ProgressApi's throttle
   */
  readonly progress?: MediaPipelineProgressProps;
  /**
   * Deploy the demo page (web/demo/, docs/uppy.md) on the CDN at `/demo/index.html`, pointed at
   * this API (lib/DemoPage.ts).
   * @default false
   */
  readonly demoPage?: boolean;
  /**
   * Who may fetch media from the CDN: `public` (anyone with a URL) or `signed` (only signed
   * URLs, which `GET /uploads/{id}`, the list and live progress hand out; lib/Cdn.ts, docs/security.md).
   * @default 'public'
   */
  readonly access?: MediaAccess;
  /**
   * With `signed` access: how long a media URL handed out works (whole seconds, 1 minute to 7
   * days). A player that outlives it asks `GET /uploads/{id}` again.
   * @default Duration.hours(6)
   */
  readonly signedUrlLifetime?: Duration;
  /**
   * With `signed` access: names of the signing keys; the first signs (lib/Cdn.ts `signingKeys`,
   * rotation in docs/security.md).
   * @default ['1']
   */
  readonly signingKeys?: readonly string[];
  /**
   * Endpoints that every matching upload state change is POSTed to, signed as Standard Webhooks
   * has it, retried for over 24 hours (lib/UploadEvents.ts, docs/events.md). Every state change
   * is on the pipeline's EventBridge bus (`events.bus`) either way.
   * @default [] - none
   */
  readonly webhooks?: readonly WebhookProps[];
  /**
   * How long originals, outputs and records outlive their upload (lib/retentionFromProps.ts,
   * lib/UploadRetention.ts).
   * @default - ready uploads kept whole; failed uploads' originals and outputs deleted after 7 days; records of cancelled, expired and failed uploads removed after 30 days
   */
  readonly retention?: RetentionProps;
}

/** The live-progress settings of a pipeline. */
export interface MediaPipelineProgressProps {
  /**
   * Whether to create the WebSocket API. Off, clients follow an upload by polling `GET /uploads/{id}`.
   * @default true
   */
  readonly enabled?: boolean;
  /**
   * Rate limits of the WebSocket stage, for connects and messages of all clients together.
   * @default { rateLimit: 100, burstLimit: 200 }
   */
  readonly throttle?: ThrottleSettings;
  /**
   * Live connections one user may hold at once; `$connect` answers 429 past it.
   * @default 20
   */
  readonly maxConnectionsPerUser?: number;
}

/** The processing settings a pipeline passes through to `Processing`. */
export type MediaPipelineProcessingProps = Pick<
  ProcessingProps,
  'architecture' | 'memorySize' | 'timeout' | 'reservedConcurrency' | 'ffmpegLayer' | 'limits' | 'transcoder' | 'mediaConvert'
>;

/**
 * The media-upload pipeline: storage (uploads and media buckets, Uploads table), auth (a Cognito
 * user pool or an external JWT issuer), the upload API (one function per route, JWT on every
 * route), the job that expires abandoned uploads, ffmpeg processing of the uploads bucket's
 * events (`processing`), the sweep that leaves no upload stuck in processing and no output
 * behind (`sweep`), the CDN that serves the media bucket's outputs (`cdn`), the invalidation of
 * a deleted upload's outputs in it (`invalidation`), the WebSocket API that pushes every
 * state change to the owner's devices (`progress`), the bus and webhooks that tell the
 * deployer's backend of every state change (`events`) and the retention of what uploads leave
 * behind (`retention`).
 */
export class MediaPipeline extends Construct {
  /** The policy every function enforces and `GET /config` reports. */
  readonly uploadPolicy: UploadPolicy;
  readonly storage: Storage;
  readonly auth: Auth;
  readonly api: UploadApi;
  readonly expiry: UploadExpiry;
  readonly cdn: Cdn;
  /** Invalidates a deleted upload's outputs in the CDN (lib/MediaInvalidation.ts). */
  readonly invalidation: MediaInvalidation;
  readonly processing: Processing;
  readonly sweep: UploadSweep;
  /** Live progress; undefined when `progress.enabled` is false. */
  readonly progress: ProgressApi | undefined;
  /** The demo page; undefined unless `demoPage` is true. */
  readonly demoPage: DemoPage | undefined;
  /** Every state change on an EventBridge bus, and the webhooks (lib/UploadEvents.ts). */
  readonly events: UploadEvents;
  /** The retention job, and the rules every record writer is told. */
  readonly retention: UploadRetention;

  constructor(scope: Construct, id: string, props: MediaPipelineProps = {}) {
    super(scope, id);
    // Before any child exists (context cannot change after): the flags hold for this subtree only.
    for (const [flag, enabled] of Object.entries(PIPELINE_FEATURE_FLAGS)) this.node.setContext(flag, enabled);
    checkPipelineProps(props);
    this.uploadPolicy = uploadPolicyFromProps(props);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    const retention = retentionFromProps(props.retention);

    this.storage = new Storage(this, 'Storage', {
      corsOrigins: props.corsOrigins,
      archiveOriginals: retention.archive,
      abortIncompleteMultipartUploadAfter: abortAfter(props.abortIncompleteMultipartUploadAfter, this.uploadPolicy),
      removalPolicy,
    });
    this.auth = new Auth(this, 'Auth', { ...(props.auth ?? {}), removalPolicy });
    this.api = new UploadApi(this, 'Api', {
      uploadsBucket: this.storage.uploadsBucket,
      mediaBucket: this.storage.mediaBucket,
      table: this.storage.table,
      usageTable: this.storage.usageTable,
      jwtIssuer: this.auth.jwtIssuer,
      jwtAudience: this.auth.jwtAudience,
      uploadPolicy: this.uploadPolicy,
      malwareScan: props.malwareScan,
      corsOrigins: props.corsOrigins,
      throttle: props.throttle,
      removalPolicy,
    });
    this.expiry = new UploadExpiry(this, 'Expiry', {
      uploadsBucket: this.storage.uploadsBucket,
      table: this.storage.table,
      usageTable: this.storage.usageTable,
      removalPolicy,
    });
    this.expiry.function.bindUploadPolicy(this.uploadPolicy);

    // Playback and processing: the CDN serves the media bucket; processing consumes the uploads
    // bucket's events and writes outputs whose URLs start with the CDN's base URL.
    const signedUrlLifetime = checkSignedUrlLifetime(props);
    this.cdn = new Cdn(this, 'Cdn', {
      mediaBucket: this.storage.mediaBucket,
      corsOrigins: props.corsOrigins,
      removalPolicy,
      access: props.access,
      signingKeys: props.signingKeys,
    });
    // Deleting an upload removes its outputs from the bucket, and queues their invalidation in the CDN's cache.
    const deleteUpload = this.api.functions.get('DeleteUpload');
    if (!deleteUpload) throw new Error('MediaPipeline: the route table has no DeleteUpload route to invalidate deleted media from');
    this.invalidation = new MediaInvalidation(this, 'Invalidation', { distribution: this.cdn.distribution, removalPolicy });
    this.invalidation.bindRequester(deleteUpload);
    this.processing = new Processing(this, 'Processing', {
      ...props.processing,
      uploadsBucket: this.storage.uploadsBucket,
      mediaBucket: this.storage.mediaBucket,
      table: this.storage.table,
      mediaBaseUrl: this.cdn.mediaBaseUrl,
      malwareScan: props.malwareScan,
      removalPolicy,
    });
    // Every state change settles the owner's usage counters (lambdas/shared/transition.ts), and
    // both processing functions move records: ready and failed end an upload's active share.
    this.processing.function.bindUsageTable(this.storage.usageTable, ['get', 'update']);
    this.processing.deadLetterFunction.bindUsageTable(this.storage.usageTable, ['get', 'update']);
    if (this.processing.mediaConvert) {
      // Job events end uploads ready or failed; a cancel stops the upload's job.
      this.processing.mediaConvert.statusFunction.bindUsageTable(this.storage.usageTable, ['get', 'update']);
      this.processing.mediaConvert.bind(deleteUpload, ['cancel']);
    }
    this.sweep = new UploadSweep(this, 'Sweep', {
      ...props.sweep,
      table: this.storage.table,
      uploadsBucket: this.storage.uploadsBucket,
      mediaBucket: this.storage.mediaBucket,
      processing: this.processing,
      removalPolicy,
    });
    // The sweep fails stalled uploads, and that state change settles the owner's usage too.
    this.sweep.function.bindUsageTable(this.storage.usageTable, ['get', 'update']);
    // Every function that removes the outputs of an upload that failed or went away queues their
    // invalidation: a poster, or a stream that played while processing, may already sit in the cache.
    for (const fn of [this.processing.function, this.processing.deadLetterFunction, this.processing.mediaConvert?.statusFunction, this.sweep.function]) {
      if (fn) this.invalidation.bindRequester(fn);
    }

    this.progress =
      props.progress?.enabled === false
        ? undefined
        : new ProgressApi(this, 'Progress', {
            uploadsTable: this.storage.table,
            usageTable: this.storage.usageTable,
            jwtIssuer: this.auth.jwtIssuer,
            jwtAudience: this.auth.jwtAudience,
            jwksUrl: this.auth.jwksUrl,
            throttle: props.progress?.throttle,
            maxConnectionsPerUser: props.progress?.maxConnectionsPerUser,
            removalPolicy,
          });
    if (this.progress) {
      const getConfig = this.api.functions.get('GetConfig');
      if (!getConfig) throw new Error('MediaPipeline: the route table has no GetConfig route to report the WebSocket URL');
      getConfig.bindWebSocketUrl(this.progress.stage);
    }

    // Beside live progress, on the same stream: events need no WebSocket API.
    this.events = new UploadEvents(this, 'Events', { uploadsTable: this.storage.table, webhooks: props.webhooks, removalPolicy });

    // Signed access: every function that hands out media URLs signs them (the record keeps plain URLs).
    const signingKeys = this.cdn.signingKeys;
    if (signingKeys) {
      const signers = [
        this.api.functions.get('GetUpload'),
        this.api.functions.get('ListUploads'),
        this.progress?.functions.get('Message'),
        this.progress?.publishFunction,
      ];
      if (signers[0] === undefined || signers[1] === undefined) throw new Error('MediaPipeline: the route table has no GetUpload or ListUploads route to sign media URLs in');
      for (const fn of signers) fn?.bindMediaSigner(signingKeys, this.cdn.mediaBaseUrl, signedUrlLifetime);
    }

    // Retention: what S3's lifecycle (archive) and DynamoDB's TTL cannot decide, the job does;
    // every function that writes records stamps them by the same rules.
    this.retention = new UploadRetention(this, 'Retention', {
      retention,
      table: this.storage.table,
      usageTable: this.storage.usageTable,
      uploadsBucket: this.storage.uploadsBucket,
      mediaBucket: this.storage.mediaBucket,
      removalPolicy,
    });
    this.retention.bindRecordWriters(this);
    // Outputs a failure left behind may have been served; the job withdraws them like the rest.
    this.invalidation.bindRequester(this.retention.function);

    this.demoPage = props.demoPage
      ? new DemoPage(this, 'DemoPage', { distribution: this.cdn.distribution, apiUrl: this.api.url, removalPolicy })
      : undefined;
  }
}

function abortAfter(requested: Duration | undefined, policy: UploadPolicy): Duration {
  const expiryDays = policy.uploadExpirySeconds / 86_400;
  if (requested === undefined) return Duration.days(Math.ceil(expiryDays) + 1);
  const days = requested.toDays({ integral: false });
  if (!Number.isInteger(days) || days <= expiryDays) {
    throw new Error(
      `abortIncompleteMultipartUploadAfter must be whole days after uploadExpiry (${policy.uploadExpirySeconds} seconds), got ${requested.toHumanString()}`,
    );
  }
  return requested;
}

const MIN_SIGNED_URL_SECONDS = 60;
const MAX_SIGNED_URL_SECONDS = 7 * 86_400;

function checkSignedUrlLifetime(props: MediaPipelineProps): Duration {
  if (props.signedUrlLifetime !== undefined && props.access !== 'signed') {
    throw new Error(`signedUrlLifetime (${props.signedUrlLifetime.toHumanString()}) needs access: 'signed', got access: '${props.access ?? 'public'}'`);
  }
  const lifetime = props.signedUrlLifetime ?? Duration.hours(6);
  const seconds = lifetime.toSeconds({ integral: false });
  if (!Number.isInteger(seconds) || seconds < MIN_SIGNED_URL_SECONDS || seconds > MAX_SIGNED_URL_SECONDS) {
    throw new Error(`signedUrlLifetime must be whole seconds from 1 minute to 7 days, got ${lifetime.toHumanString()}`);
  }
  return lifetime;
}
