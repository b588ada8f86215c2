import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AssetHashType, Duration, RemovalPolicy } from 'aws-cdk-lib';
import type { WebSocketStage } from 'aws-cdk-lib/aws-apigatewayv2';
import type { IDistribution } from 'aws-cdk-lib/aws-cloudfront';
import type { IEventBus } from 'aws-cdk-lib/aws-events';
import { type ITable, StreamGrants, TableGrants } from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import {
  ApplicationLogLevel,
  Architecture,
  Code,
  type EventSourceMapping,
  LoggingFormat,
  Runtime,
  type StartingPosition,
  Tracing,
} from 'aws-cdk-lib/aws-lambda';
import { type BundlingOptions, NodejsFunction, type NodejsFunctionProps, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { BucketGrants, type IBucket } from 'aws-cdk-lib/aws-s3';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { NagSuppressions } from 'cdk-nag';
import { Construct } from 'constructs';
import { CDN_ENV, ENV, EVENTS_ENV, MEDIA_ACCESS_ENV, PROCESSING_ENV, PROGRESS_ENV, RETENTION_ENV, TRANSCODER_ENV } from '../lambdas/shared/config.js';
import type { RetentionSettings } from '../lambdas/shared/retentionSettings.js';
import type { TranscoderSetting } from '../lambdas/process-upload/plan/transcoderRouting.js';
import { MEDIA_ROOT, mediaPrefix, sourceKey } from '../lambdas/shared/keys.js';
import type { UploadPolicy } from '../lambdas/shared/mediaPolicy.js';
import { handlerBundling } from './handlerBundling.js';
import { iamResourceFinding } from './iamResourceFinding.js';
import type { MediaSigningKeys } from './MediaSigningKeys.js';
import type { ConnectionsAccess } from './webSocketRoutes.js';

/**
 * The repository root: the folder handlers are bundled from and the base of every entry path. In the
 * construct package (packages/construct) it is the package's `dist/`, which mirrors the tree.
 */
export const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));

/**
 * Where the construct package keeps one prebuilt bundle per handler, `<handlerDir>/` (`index.mjs`,
 * its chunks and their source maps), made at pack time by `bundleHandler` (the very bundle a clone
 * makes at synth; scripts/buildConstructPackage.ts). A clone has no such folder and bundles the
 * sources at synth (`handlerBundling`).
 */
export const HANDLER_BUNDLES_DIR = join(PROJECT_ROOT, 'bundles');

/** The runtime every function runs on: the newest Node.js this aws-cdk-lib knows (cdk-nag AwsSolutions-L1). */
export const PIPELINE_RUNTIME = Runtime.NODEJS_24_X;

/**
 * How every function is bundled, as esbuild flags (`pipelineEsbuildOptions` turns them into the
 * options of esbuild's API and adds the SDK schema fix, `literalTraitKeys`).
 *
 * The AWS SDK is bundled, not left external to use the runtime's copy: our lockfile pins the
 * SDK version the tests ran against (the runtime's copy changes under us), esbuild keeps only
 * the commands we import from the SDK's ESM builds (`mainFields` prefers `module`), and a few
 * minified files load faster than resolving the runtime's hundreds of SDK files at cold start
 * (measured about 3x slower here). The bench therefore measures bundles that contain the SDK.
 */
export const PIPELINE_BUNDLING = {
  format: OutputFormat.ESM,
  target: 'node24',
  mainFields: ['module', 'main'],
  minify: true,
  sourceMap: true,
  // Stack traces need only the mappings; the sources would grow each map about 3x (0.8 to 2.3 MB).
  sourcesContent: false,
  // The default credential chain imports these lazily, only after the environment provider
  // found no keys; Lambda always sets the keys, so the bundle leaves them (and the SSO, STS and
  // sign-in clients they pull in, about 90 KB) out. Nothing else is external.
  externalModules: [
    '@aws-sdk/credential-provider-ini',
    '@aws-sdk/credential-provider-process',
    '@aws-sdk/credential-provider-sso',
    '@aws-sdk/credential-provider-web-identity',
  ],
  // The bundle loads Node built-ins with `require` (`requireNodeBuiltinsPlugin`), as would a
  // CommonJS dependency; an ES module has no `require` of its own, so the banner makes one.
  banner: "import{createRequire}from'node:module';const require=createRequire(import.meta.url);",
} as const satisfies BundlingOptions;

/** An item operation on a table by primary key. */
export type ItemOperation = 'get' | 'batchGet' | 'put' | 'update' | 'delete';

/** The one action each item operation needs (a conditional write needs nothing more). */
const ITEM_ACTIONS: Record<ItemOperation, string> = {
  get: 'dynamodb:GetItem',
  batchGet: 'dynamodb:BatchGetItem',
  put: 'dynamodb:PutItem',
  update: 'dynamodb:UpdateItem',
  delete: 'dynamodb:DeleteItem',
};

/**
 * What a function does with the Uploads table; each operation grants its one action, so a
 * function that never scans, batch-writes or reads a stream cannot.
 */
export interface TableAccess {
  /**
   * Item operations by primary key: `get` (GetItem), `batchGet` (BatchGetItem, many records at
   * once), `put` (PutItem, creating records),
   * `update` (UpdateItem, every state transition), `delete` (DeleteItem).
   * @default [] - none
   */
  readonly items?: readonly ItemOperation[];
  /**
   * Global secondary indexes the function queries: Query on `<table>/index/<name>`, and on no
   * other index nor the table itself.
   * @default [] - none
   */
  readonly queries?: readonly string[];
}

/**
 * What a function does with originals (`uploads/{uploadId}/source`), each granting one action:
 * - `write`: s3:PutObject, which CreateMultipartUpload, UploadPart (signed here, sent by the
 *   client) and CompleteMultipartUpload all need;
 * - `read`: s3:GetObject;
 * - `listParts`: s3:ListMultipartUploadParts (ListParts);
 * - `abort`: s3:AbortMultipartUpload;
 * - `delete`: s3:DeleteObject;
 * - `readTags`: s3:GetObjectTagging (the malware scan's verdict tag);
 * - `readChecksum`: s3:GetObjectAttributes (the checksum S3 verified at complete, without the
 *   right to read the bytes);
 * - `find`: s3:ListBucket under one original's key only (an `s3:prefix` condition), to learn
 *   whether it exists and its size (`sourceObjectSize`).
 */
export type OriginalsOperation = 'write' | 'read' | 'listParts' | 'abort' | 'delete' | 'readTags' | 'readChecksum' | 'find';

const ORIGINALS_ACTIONS: Record<Exclude<OriginalsOperation, 'find'>, string> = {
  write: 's3:PutObject',
  read: 's3:GetObject',
  listParts: 's3:ListMultipartUploadParts',
  abort: 's3:AbortMultipartUpload',
  delete: 's3:DeleteObject',
  readTags: 's3:GetObjectTagging',
  readChecksum: 's3:GetObjectAttributes',
};

/**
 * What a function does with outputs (`media/{uploadId}/…`):
 * - `read`: s3:GetObject (a MediaConvert job's playlists and frames, when its outputs are finished);
 * - `write`: s3:PutObject (each output is one PutObject);
 * - `delete`: s3:DeleteObject, and s3:ListBucket under `media/{uploadId}/` only, to find an
 *   upload's outputs;
 * - `listUploads`: s3:ListBucket of `media/` itself, to list the upload folders (the sweep's
 *   output check), and of no other prefix.
 */
export type OutputsOperation = 'read' | 'write' | 'delete' | 'listUploads';

/**
 * What a function does with MediaConvert jobs (`bindMediaConvert`):
 * - `submit`: mediaconvert:CreateJob on the construct's queue only, and iam:PassRole of the
 *   jobs' role only, only to MediaConvert;
 * - `get`: mediaconvert:GetJob; `cancel`: mediaconvert:CancelJob (jobs have no finer ARN than `jobs/*`).
 */
export type JobOperation = 'submit' | 'get' | 'cancel';

/** What `bindMediaConvert` needs of the MediaConvert side of the stack. */
export interface MediaConvertBinding {
  readonly queueArn: string;
  readonly jobsArn: string;
  readonly role: iam.IRole;
  /** `MEDIACONVERT_SETTINGS` as the functions read it. */
  readonly settingsJson: string;
}

/**
 * What a function does with a queue it names (the process queue, the invalidation queue), each
 * granting one action:
 * - `send`: sqs:SendMessage (the sweep re-sends an upload's lost event; a delete requests an invalidation);
 * - `countMessages`: sqs:GetQueueAttributes (the sweep reads the queue's backlog);
 * - `delay`: sqs:ChangeMessageVisibility (the invalidator backs off the messages it will retry).
 */
export type QueueOperation = 'send' | 'countMessages' | 'delay';

const OUTPUT_ACTIONS: Partial<Record<OutputsOperation, readonly string[]>> = {
  read: ['s3:GetObject'],
  write: ['s3:PutObject'],
  delete: ['s3:DeleteObject'],
};

const QUEUE_ACTIONS: Record<QueueOperation, string> = {
  send: 'sqs:SendMessage',
  countMessages: 'sqs:GetQueueAttributes',
  delay: 'sqs:ChangeMessageVisibility',
};

/** The actions Lambda's poller calls with the function's role to run it on a queue's messages. */
const QUEUE_CONSUMER_ACTIONS = ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes'];

/** How the function consumes a queue (`consumeQueue`). */
export interface QueueConsumerOptions {
  /** Messages per invocation (1 to 10 for a standard queue without a batching window). */
  readonly batchSize: number;
  /**
   * The function returns `batchItemFailures`, so only those messages come back.
   * @default false
   */
  readonly reportBatchItemFailures?: boolean;
  /**
   * Most concurrent invocations the queue starts (2 to 1,000).
   * @default - no limit but the function's own
   */
  readonly maxConcurrency?: number;
  /**
   * How long the poller gathers messages before it invokes with fewer than `batchSize` (up to
   * 5 minutes; with it, `batchSize` may exceed 10).
   * @default - none: it invokes as soon as messages are there
   */
  readonly maxBatchingWindow?: Duration;
}

/**
 * The actions Lambda's poller calls with the function's role to read a DynamoDB stream: the four
 * the event source mapping checks for on the stream when it is created (the DynamoDB guide's
 * "IAM policy to allow an AWS Lambda function to access DynamoDB stream records").
 */
const STREAM_CONSUMER_ACTIONS = ['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator', 'dynamodb:ListStreams'];

/** How the function consumes a table's stream (`consumeTableStream`). */
export interface TableStreamConsumerOptions {
  /** Where a new mapping starts reading: the oldest record kept (TRIM_HORIZON) or the next one (LATEST). */
  readonly startingPosition: StartingPosition;
  /** Records per invocation (1 to 10,000). */
  readonly batchSize: number;
  /** On an error, split the batch in two and retry each half, to isolate the record that fails. */
  readonly bisectBatchOnError: boolean;
  /** Retries of a failing batch before it is discarded to `onFailure` (0 to 10,000). */
  readonly retryAttempts: number;
  /** Records older than this are discarded to `onFailure` instead of retried (1 minute to 7 days). */
  readonly maxRecordAge: Duration;
  /** The function returns `batchItemFailures`, so a retry starts at the first failed record. */
  readonly reportBatchItemFailures: boolean;
  /**
   * Where Lambda sends a record of each discarded batch (shard, sequence numbers), with the
   * function's role: an SQS queue without a KMS key of its own (SQS-managed encryption).
   */
  readonly onFailure: IQueue;
}

export interface PipelineFunctionProps
  extends Omit<
    NodejsFunctionProps,
    'entry' | 'handler' | 'code' | 'runtime' | 'bundling' | 'projectRoot' | 'depsLockFilePath' | 'role' | 'logGroup' | 'logRetention' | 'tracing'
  > {
  /** Folder under `lambdas/` whose `handler.ts` exports `handler`. */
  readonly handlerDir: string;
  /**
   * Instruction set. Graviton costs less per GB-second; override for code that needs x86
   * binaries.
   * @default Architecture.ARM_64
   */
  readonly architecture?: Architecture;
  /** @default Duration.seconds(10) */
  readonly timeout?: Duration;
  /** @default 512 (MB; CPU scales with memory, and cold start with CPU) */
  readonly memorySize?: number;
  /** @default RetentionDays.ONE_MONTH */
  readonly logRetention?: RetentionDays;
  /**
   * What happens to the log group when it leaves the stack.
   * @default RemovalPolicy.RETAIN
   */
  readonly logRemovalPolicy?: RemovalPolicy;
  /** @default 'media-pipeline' */
  readonly serviceName?: string;
}

/**
 * A pipeline Lambda function with the defaults set once: the newest Node.js runtime, arm64,
 * X-Ray tracing, JSON logs into its own log group with a retention, minified ESM bundles with
 * source maps, and a role that may write only to that log group. Resources are attached with
 * intent methods (`bindUploadsTable`, `bindUsageTable`, `bindUploadsBucket`, `bindMediaBucket`,
 * `bindProcessQueue`, `bindInvalidationQueue`, `bindDistribution`, `bindConnectionsTable`,
 * `bindManageConnections`) that set the environment variable and grant exactly the actions of
 * the operations they name, and `consumeQueue` and `consumeTableStream`, which grant only what
 * Lambda's poller needs. `test/infra/leastPrivilege.test.ts` derives each function's actions
 * from its bundled code and holds the role to them.
 */
export class PipelineFunction extends Construct implements iam.IGrantable {
  readonly function: NodejsFunction;
  readonly role: iam.Role;
  readonly logGroup: LogGroup;
  readonly grantPrincipal: iam.IPrincipal;
  /**
   * The handler module the function runs: `lambdas/<handlerDir>/handler.ts`, bundled at synth,
   * or in the construct package its prebuilt bundle (`bundles/<handlerDir>/index.mjs`).
   */
  readonly entry: string;
  /**
   * Whether the function may update upload records (`bindUploadsTable` with `update`): every
   * state change goes through `transition`, which applies the retention rules
   * (`bindRetentionSettings`), so every such function must be told them.
   */
  get writesUploadRecords(): boolean {
    return this.updatesUploads;
  }
  private updatesUploads = false;

  constructor(scope: Construct, id: string, props: PipelineFunctionProps) {
    super(scope, id);
    const { handlerDir, logRetention, logRemovalPolicy, serviceName, environment, ...functionProps } = props;

    this.logGroup = new LogGroup(this, 'LogGroup', {
      retention: logRetention ?? RetentionDays.ONE_MONTH,
      removalPolicy: logRemovalPolicy ?? RemovalPolicy.RETAIN,
    });
    // An own role instead of the default one, whose AWSLambdaBasicExecutionRole could write to every log group.
    this.role = new iam.Role(this, 'Role', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    this.logGroup.grantWrite(this.role);
    this.grantPrincipal = this.role;
    const bundleDir = prebuiltBundleDir(handlerDir);
    this.entry = bundleDir === undefined ? join(PROJECT_ROOT, 'lambdas', handlerDir, 'handler.ts') : join(bundleDir, 'index.mjs');
    // A prebuilt bundle is the asset as it is: the user's synth runs no esbuild and needs none of
    // the handlers' dependencies. A clone bundles the handler the same way, at synth.
    const code =
      bundleDir === undefined
        ? Code.fromAsset(PROJECT_ROOT, { assetHashType: AssetHashType.OUTPUT, bundling: handlerBundling(this.entry, PROJECT_ROOT) })
        : Code.fromAsset(bundleDir);

    this.function = new NodejsFunction(this, 'Function', {
      architecture: Architecture.ARM_64,
      timeout: Duration.seconds(10),
      memorySize: 512,
      loggingFormat: LoggingFormat.JSON,
      applicationLogLevelV2: ApplicationLogLevel.INFO,
      ...functionProps,
      code,
      handler: 'index.handler',
      runtime: PIPELINE_RUNTIME,
      role: this.role,
      logGroup: this.logGroup,
      tracing: Tracing.ACTIVE,
      environment: {
        POWERTOOLS_SERVICE_NAME: serviceName ?? 'media-pipeline',
        ...environment,
      },
    });

    NagSuppressions.addResourceSuppressions(
      this.role,
      [
        {
          id: 'AwsSolutions-IAM5',
          reason: 'X-Ray tracing: xray:PutTraceSegments and xray:PutTelemetryRecords support no resource-level permissions.',
          appliesTo: ['Resource::*'],
        },
      ],
      true,
    );
  }

  /** Sets `UPLOADS_TABLE` and grants the item operations and index queries `access` names, and nothing else. */
  bindUploadsTable(table: ITable, access: TableAccess): this {
    const items = access.items ?? [];
    const queries = access.queries ?? [];
    if (items.length === 0 && queries.length === 0) {
      throw new Error(`${this.node.path}: bindUploadsTable needs at least one item operation or index to query`);
    }
    this.function.addEnvironment(ENV.uploadsTable, table.tableName);
    if (items.includes('update')) this.updatesUploads = true;
    this.grantItemOperations(table, items);
    this.grantIndexQueries(table, queries);
    return this;
  }

  /** Sets `RETENTION_SETTINGS`: the rules `transition` stamps records by and the retention job applies (no grant). */
  bindRetentionSettings(settings: RetentionSettings): this {
    this.function.addEnvironment(RETENTION_ENV.retentionSettings, JSON.stringify(settings));
    return this;
  }

  /**
   * Sets `CONNECTIONS_TABLE` and grants what `access` names on live progress's Connections table:
   * item operations by key, Query on the table itself (a topic's subscribers) only with
   * `queryTopics`, and Query on the named indexes.
   */
  bindConnectionsTable(table: ITable, access: ConnectionsAccess): this {
    const items = access.items ?? [];
    const queries = access.queries ?? [];
    if (items.length === 0 && queries.length === 0 && access.queryTopics !== true) {
      throw new Error(`${this.node.path}: bindConnectionsTable needs at least one item operation, topic query or index to query`);
    }
    this.function.addEnvironment(PROGRESS_ENV.connectionsTable, table.tableName);
    this.grantItemOperations(table, items);
    if (access.queryTopics === true) TableGrants.fromTable(table, undefined, false).actions(this, 'dynamodb:Query');
    this.grantIndexQueries(table, queries);
    return this;
  }

  /**
   * Sets `WEBSOCKET_CALLBACK_URL` to `stage`'s management endpoint and grants
   * execute-api:ManageConnections (post to, read and close connections) on that stage's
   * connections only: no other stage or API.
   */
  bindManageConnections(stage: WebSocketStage): this {
    this.function.addEnvironment(PROGRESS_ENV.callbackUrl, stage.callbackUrl);
    for (const statement of stage.grantManagementApiAccess(this).principalStatements) {
      for (const arn of statement.resources) {
        this.acknowledgeWildcard(
          iamResourceFinding(this, arn),
          'API Gateway makes connection ids at connect time; the grant covers the connections of this one stage, any method, and no other stage or API.',
        );
      }
    }
    return this;
  }

  /**
   * Sets `JWT_ISSUER`, `JWT_AUDIENCE` (comma-joined) and, when given, `JWKS_URL`: the tokens the
   * function accepts. Without `jwksUrl` the function reads `jwks_uri` from the issuer's OpenID
   * configuration.
   */
  bindJwtIssuer(issuer: string, audience: readonly string[], jwksUrl?: string): this {
    if (audience.length === 0) throw new Error(`${this.node.path}: bindJwtIssuer needs at least one audience`);
    this.function.addEnvironment(PROGRESS_ENV.jwtIssuer, issuer);
    this.function.addEnvironment(PROGRESS_ENV.jwtAudience, audience.join(','));
    if (jwksUrl !== undefined) this.function.addEnvironment(PROGRESS_ENV.jwksUrl, jwksUrl);
    return this;
  }

  /** Sets `MAX_CONNECTIONS_PER_USER`: how many live connections `$connect` lets one user hold. */
  bindMaxConnectionsPerUser(limit: number): this {
    if (!Number.isInteger(limit) || limit < 1) throw new Error(`${this.node.path}: maxConnectionsPerUser must be a whole number of at least 1, got ${limit}`);
    this.function.addEnvironment(PROGRESS_ENV.maxConnectionsPerUser, String(limit));
    return this;
  }

  /** Sets `WEBSOCKET_URL`: the `wss://` URL clients connect to for live progress, which `GET /config` reports. */
  bindWebSocketUrl(stage: WebSocketStage): this {
    this.function.addEnvironment(PROGRESS_ENV.webSocketUrl, stage.url);
    return this;
  }

  /**
   * Sets `USAGE_TABLE` and grants the item operations `items` names on the Usage table (the
   * usage code reads a user's counters consistently, `get`, and changes them conditionally, `update`).
   */
  bindUsageTable(table: ITable, items: readonly ItemOperation[]): this {
    if (items.length === 0) throw new Error(`${this.node.path}: bindUsageTable needs at least one item operation`);
    this.function.addEnvironment(ENV.usageTable, table.tableName);
    this.grantItemOperations(table, items);
    return this;
  }

  /** Sets `UPLOADS_BUCKET` and grants the actions of `operations` on originals only. */
  bindUploadsBucket(bucket: IBucket, operations: readonly OriginalsOperation[]): this {
    if (operations.length === 0) throw new Error(`${this.node.path}: bindUploadsBucket needs at least one operation`);
    this.function.addEnvironment(ENV.uploadsBucket, bucket.bucketName);
    const originals = sourceKey('*');
    const objectActions = operations.flatMap((operation) => (operation === 'find' ? [] : [ORIGINALS_ACTIONS[operation]]));
    if (objectActions.length > 0) {
      BucketGrants.fromBucket(bucket).actionsOnObjectKeys(this, originals, ...objectActions);
      this.acknowledgeWildcard(
        iamResourceFinding(this, bucket.arnForObjects(originals)),
        'Originals live at uploads/{uploadId}/source with server-made ids; the grant covers that key shape only.',
      );
    }
    if (operations.includes('find')) this.grantListingUnder(bucket, originals);
    return this;
  }

  /**
   * Tells the function whether originals pass a malware scan (`MALWARE_SCAN`), and when they do
   * lets it read the verdict, the `GuardDutyMalwareScanStatus` tag on originals (`readTags`).
   */
  bindMalwareScan(bucket: IBucket, enabled: boolean): this {
    this.function.addEnvironment(PROCESSING_ENV.malwareScan, enabled ? 'on' : 'off');
    return enabled ? this.bindUploadsBucket(bucket, ['readTags']) : this;
  }

  /** Sets `MEDIA_BUCKET` and grants the actions of `operations` on outputs under `media/` only. */
  bindMediaBucket(bucket: IBucket, operations: readonly OutputsOperation[]): this {
    if (operations.length === 0) throw new Error(`${this.node.path}: bindMediaBucket needs at least one operation`);
    this.function.addEnvironment(ENV.mediaBucket, bucket.bucketName);
    const outputs = `${mediaPrefix('*')}*`;
    const objectActions = operations.flatMap((operation) => OUTPUT_ACTIONS[operation] ?? []);
    if (objectActions.length > 0) BucketGrants.fromBucket(bucket).actionsOnObjectKeys(this, outputs, ...objectActions);
    const listed = [...(operations.includes('listUploads') ? [MEDIA_ROOT] : []), ...(operations.includes('delete') ? [outputs] : [])];
    if (listed.length > 0) this.grantListingUnder(bucket, ...listed);
    this.acknowledgeWildcard(
      iamResourceFinding(this, bucket.arnForObjects(outputs)),
      'Outputs live under media/{uploadId}/ with server-made ids and names; the grant covers that prefix only.',
    );
    return this;
  }

  /**
   * Sets `TRANSCODER` and `MEDIACONVERT_SETTINGS` and grants the job actions `operations` name
   * (`JobOperation`). A stack without MediaConvert binds none, and its functions read `ffmpeg`.
   */
  bindMediaConvert(transcoder: TranscoderSetting, binding: MediaConvertBinding, operations: readonly JobOperation[]): this {
    this.function.addEnvironment(TRANSCODER_ENV.transcoder, transcoder);
    this.function.addEnvironment(TRANSCODER_ENV.mediaConvertSettings, binding.settingsJson);
    if (operations.includes('submit')) {
      iam.Grant.addToPrincipal({ grantee: this, actions: ['mediaconvert:CreateJob'], resourceArns: [binding.queueArn] });
      iam.Grant.addToPrincipal({
        grantee: this,
        actions: ['iam:PassRole'],
        resourceArns: [binding.role.roleArn],
        conditions: { StringEquals: { 'iam:PassedToService': 'mediaconvert.amazonaws.com' } },
      });
    }
    const jobActions = operations.flatMap((operation) => (operation === 'get' ? ['mediaconvert:GetJob'] : operation === 'cancel' ? ['mediaconvert:CancelJob'] : []));
    if (jobActions.length > 0) {
      iam.Grant.addToPrincipal({ grantee: this, actions: jobActions, resourceArns: [binding.jobsArn] });
      this.acknowledgeWildcard(
        iamResourceFinding(this, binding.jobsArn),
        'MediaConvert job ARNs are made by the service (jobs/<id>) and cannot be scoped to a queue; the code checks the queue and stack of every job it reads.',
      );
    }
    return this;
  }

  /**
   * Runs the function on `queue`'s messages (an event source mapping) and grants only the
   * actions Lambda's poller calls with the function's role (ReceiveMessage, DeleteMessage,
   * GetQueueAttributes), plus decrypting when the queue has a KMS key. A `SqsEventSource` would
   * also grant ChangeMessageVisibility and GetQueueUrl, which neither the poller nor the code calls.
   */
  consumeQueue(id: string, queue: IQueue, options: QueueConsumerOptions): EventSourceMapping {
    queue.grant(this, ...QUEUE_CONSUMER_ACTIONS);
    queue.encryptionMasterKey?.grantDecrypt(this);
    return this.function.addEventSourceMapping(id, {
      eventSourceArn: queue.queueArn,
      batchSize: options.batchSize,
      reportBatchItemFailures: options.reportBatchItemFailures,
      maxConcurrency: options.maxConcurrency,
      maxBatchingWindow: options.maxBatchingWindow,
    });
  }

  /**
   * Runs the function on `table`'s stream (an event source mapping) and grants only what
   * Lambda's poller calls with the function's role: the stream actions on this table's stream,
   * and sqs:SendMessage on the `onFailure` queue. A `DynamoEventSource` would grant ListStreams
   * on every resource, and an `SqsDlq` also GetQueueAttributes and GetQueueUrl, which neither the
   * poller nor the code calls.
   */
  consumeTableStream(id: string, table: ITable, options: TableStreamConsumerOptions): EventSourceMapping {
    const streamArn = table.tableStreamArn;
    if (streamArn === undefined) throw new Error(`${this.node.path}: ${table.node.path} has no stream to consume; enable one (stream: NEW_IMAGE)`);
    if (options.onFailure.encryptionMasterKey !== undefined) {
      throw new Error(`${this.node.path}: the on-failure queue ${options.onFailure.node.path} has a KMS key; use SQS-managed encryption, which needs no key grant`);
    }
    new StreamGrants({ tableStreamArn: streamArn }).actions(this, ...STREAM_CONSUMER_ACTIONS);
    options.onFailure.grant(this, 'sqs:SendMessage');
    const onFailure = options.onFailure;
    return this.function.addEventSourceMapping(id, {
      eventSourceArn: streamArn,
      startingPosition: options.startingPosition,
      batchSize: options.batchSize,
      bisectBatchOnError: options.bisectBatchOnError,
      retryAttempts: options.retryAttempts,
      maxRecordAge: options.maxRecordAge,
      reportBatchItemFailures: options.reportBatchItemFailures,
      onFailure: { bind: () => ({ destination: onFailure.queueArn }) },
    });
  }

  /**
   * Sets `PROCESS_QUEUE_URL` and grants the actions of `operations` on the process queue. No key
   * grant: the process queue is encrypted with SQS-managed keys, which need none.
   */
  bindProcessQueue(queue: IQueue, operations: readonly QueueOperation[]): this {
    if (operations.length === 0) throw new Error(`${this.node.path}: bindProcessQueue needs at least one operation`);
    this.function.addEnvironment(ENV.processQueueUrl, queue.queueUrl);
    queue.grant(this, ...operations.map((operation) => QUEUE_ACTIONS[operation]));
    return this;
  }

  /**
   * Sets `INVALIDATION_QUEUE_URL` and grants the actions of `operations` on the queue of CDN
   * invalidation requests (SQS-managed encryption: no key grant).
   */
  bindInvalidationQueue(queue: IQueue, operations: readonly QueueOperation[]): this {
    if (operations.length === 0) throw new Error(`${this.node.path}: bindInvalidationQueue needs at least one operation`);
    this.function.addEnvironment(ENV.invalidationQueueUrl, queue.queueUrl);
    queue.grant(this, ...operations.map((operation) => QUEUE_ACTIONS[operation]));
    return this;
  }

  /**
   * Sets `DISTRIBUTION_ID` and grants cloudfront:CreateInvalidation on that one distribution
   * (its ARN; CloudFront has no finer resource, so the paths are the code's to choose).
   */
  bindDistribution(distribution: IDistribution): this {
    this.function.addEnvironment(CDN_ENV.distributionId, distribution.distributionId);
    distribution.grantCreateInvalidation(this);
    return this;
  }

  /**
   * Signed media access for a function that hands out media URLs: sets `MEDIA_ACCESS=signed`,
   * `MEDIA_BASE_URL`, the URL lifetime and the active key's id and secret, and grants
   * secretsmanager:GetSecretValue on that one secret (not `grantRead`, which adds DescribeSecret,
   * which the code never calls).
   */
  bindMediaSigner(keys: MediaSigningKeys, mediaBaseUrl: string, urlLifetime: Duration): this {
    this.function.addEnvironment(MEDIA_ACCESS_ENV.access, 'signed');
    this.function.addEnvironment(ENV.mediaBaseUrl, mediaBaseUrl);
    this.function.addEnvironment(MEDIA_ACCESS_ENV.urlLifetimeSeconds, String(urlLifetime.toSeconds()));
    this.function.addEnvironment(MEDIA_ACCESS_ENV.signingKeyPairId, keys.activeKey.publicKey.publicKeyId);
    this.function.addEnvironment(MEDIA_ACCESS_ENV.signingKeySecret, keys.activeKey.secret.secretArn);
    keys.grantSign(this);
    return this;
  }

  /** Sets `MEDIA_PUBLIC_KEYS`: the key group's public keys, for a function that checks signed URLs itself (no grant: they are public). */
  bindMediaVerifier(keys: MediaSigningKeys): this {
    this.function.addEnvironment(MEDIA_ACCESS_ENV.publicKeys, keys.publicKeysJson);
    return this;
  }

  /** Sets `EVENT_BUS_NAME` and grants events:PutEvents on that bus only. */
  bindEventBus(bus: IEventBus): this {
    this.function.addEnvironment(EVENTS_ENV.eventBusName, bus.eventBusName);
    bus.grantPutEventsTo(this);
    return this;
  }

  /**
   * Sets `WEBHOOKS` (each webhook's URL and secret ARN by id) and `WEBHOOK_QUEUE_URL`, and grants
   * sqs:ChangeMessageVisibility on the queue (a failed delivery's backoff) and
   * secretsmanager:GetSecretValue on each webhook's secret only (not `grantRead`, which adds
   * DescribeSecret, which the code never calls), with decrypting when a secret has its own key.
   */
  bindWebhooks(queue: IQueue, webhooks: readonly { readonly id: string; readonly url: string; readonly secret: ISecret }[]): this {
    if (webhooks.length === 0) throw new Error(`${this.node.path}: bindWebhooks needs at least one webhook`);
    this.function.addEnvironment(EVENTS_ENV.webhookQueueUrl, queue.queueUrl);
    queue.grant(this, QUEUE_ACTIONS.delay);
    const targets: Record<string, { url: string; secretArn: string }> = {};
    for (const webhook of webhooks) {
      targets[webhook.id] = { url: webhook.url, secretArn: webhook.secret.secretArn };
      // A secret imported by name has a partial ARN; Secrets Manager appends six characters to every secret's name.
      const arn = webhook.secret.secretFullArn ?? `${webhook.secret.secretArn}-??????`;
      iam.Grant.addToPrincipal({ grantee: this, actions: ['secretsmanager:GetSecretValue'], resourceArns: [arn] });
      webhook.secret.encryptionKey?.grantDecrypt(this);
    }
    this.function.addEnvironment(EVENTS_ENV.webhooks, JSON.stringify(targets));
    return this;
  }

  /** Sets `UPLOAD_POLICY`: the limits the function enforces and `GET /config` reports. */
  bindUploadPolicy(policy: UploadPolicy): this {
    this.function.addEnvironment(ENV.uploadPolicy, JSON.stringify(policy));
    return this;
  }

  /** The item operations on the table's own ARN (hasIndex false): a table's own grants add <table>/index/* to item operations, which no index serves. */
  private grantItemOperations(table: ITable, items: readonly ItemOperation[]): void {
    if (items.length > 0) TableGrants.fromTable(table, undefined, false).actions(this, ...items.map((operation) => ITEM_ACTIONS[operation]));
  }

  /** Query on `<table>/index/<name>` for each named index, and on no other index. */
  private grantIndexQueries(table: ITable, indexNames: readonly string[]): void {
    for (const indexName of indexNames) {
      if (!/^[\w.-]{3,255}$/.test(indexName)) throw new Error(`${this.node.path}: not a DynamoDB index name: ${JSON.stringify(indexName)}`);
      iam.Grant.addToPrincipal({ grantee: this, actions: ['dynamodb:Query'], resourceArns: [`${table.tableArn}/index/${indexName}`] });
    }
  }

  /**
   * s3:ListBucket only for listings whose prefix matches one of `keyPatterns`: no bucket grant
   * method takes a prefix, so iam.Grant keeps the s3:prefix condition beside the bucket ARN.
   */
  private grantListingUnder(bucket: IBucket, ...keyPatterns: string[]): void {
    iam.Grant.addToPrincipal({
      grantee: this,
      actions: ['s3:ListBucket'],
      resourceArns: [bucket.bucketArn],
      conditions: { StringLike: { 's3:prefix': keyPatterns } },
    });
  }

  private acknowledgeWildcard(finding: string, reason: string): void {
    // After the grant, so the role's DefaultPolicy exists and receives the acknowledgment.
    NagSuppressions.addResourceSuppressions(this.role, [{ id: 'AwsSolutions-IAM5', reason, appliesTo: [finding] }], true);
  }
}

/** The prebuilt bundle of `handlerDir` when this is the construct package, else undefined (sources are bundled at synth). */
function prebuiltBundleDir(handlerDir: string): string | undefined {
  if (!existsSync(HANDLER_BUNDLES_DIR)) return undefined;
  const dir = join(HANDLER_BUNDLES_DIR, handlerDir);
  if (!existsSync(join(dir, 'index.mjs'))) throw new Error(`The construct package ships no bundle for the handler '${handlerDir}' (${dir}/index.mjs is missing)`);
  return dir;
}
