import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import { ApplicationLogLevel, Architecture, LoggingFormat, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { type BundlingOptions, NodejsFunction, type NodejsFunctionProps, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { BucketGrants, type IBucket } from 'aws-cdk-lib/aws-s3';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { NagSuppressions } from 'cdk-nag';
import { Construct } from 'constructs';
import { ENV } from '../lambdas/shared/config.js';
import { MEDIA_ROOT, mediaPrefix, sourceKey } from '../lambdas/shared/keys.js';
import type { UploadPolicy } from '../lambdas/shared/mediaPolicy.js';
import { iamResourceFinding } from './iamResourceFinding.js';

/** The repository root: NodejsFunction's project root and the base of every entry path. */
export const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));

/** The runtime every function runs on: the newest Node.js this aws-cdk-lib knows (cdk-nag AwsSolutions-L1). */
export const PIPELINE_RUNTIME = Runtime.NODEJS_24_X;

/**
 * How CDK bundles every function; `bench/bundles.ts` bundles with exactly these options.
 *
 * The AWS SDK is bundled, not left external to use the runtime's copy: our lockfile pins the
 * SDK version the tests ran against (the runtime's copy changes under us), esbuild keeps only
 * the commands we import from the SDK's ESM builds (`mainFields` prefers `module`), and one
 * minified file loads faster than resolving the runtime's hundreds of SDK files at cold start
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
  // A CommonJS dependency inside an ESM bundle calls `require` for Node built-ins, which ESM
  // lacks. No API bundle holds CommonJS today; this keeps one that ever does from failing at import.
  banner: "import{createRequire}from'node:module';const require=createRequire(import.meta.url);",
} as const satisfies BundlingOptions;

/** The Lambda environment that goes with the bundle: source-mapped stack traces, for about 8 ms more init (bench/bundles.ts). */
export const PIPELINE_NODE_OPTIONS = '--enable-source-maps';

/**
 * Access to the Uploads table: item reads (GetItem, Query on the table and its indexes) and
 * exactly the item writes a function's code sends: `put` creates records, `update` is every
 * state transition, `delete` removes a finished upload.
 */
export type TableAccess = 'read' | 'read+put' | 'read+update' | 'read+update+delete';

const TABLE_WRITES: Record<TableAccess, readonly string[]> = {
  read: [],
  'read+put': ['dynamodb:PutItem'],
  'read+update': ['dynamodb:UpdateItem'],
  'read+update+delete': ['dynamodb:UpdateItem', 'dynamodb:DeleteItem'],
};

/**
 * Access to originals (`uploads/{uploadId}/source`):
 * - `read`: GetObject (the process function's SourceServer, which serves originals to ffmpeg);
 * - `expire`: AbortMultipartUpload, and HeadObject (GetObject) to tell a completed upload;
 * - `multipart`: create/complete multipart uploads and sign UploadPart (PutObject), ListParts,
 *   abort, and HeadObject (GetObject);
 * - `multipart+delete`: `multipart` plus DeleteObject.
 * Each also lists the bucket, without which S3 answers a HEAD of a missing key with 403, not 404.
 */
export type UploadsBucketAccess = 'read' | 'expire' | 'multipart' | 'multipart+delete';

/**
 * Access to outputs (`media/{uploadId}/…`):
 * - `write`: PutObject and multipart uploads of outputs;
 * - `delete`: list an upload's outputs and delete them;
 * - `sweep`: `delete`, and list the upload folders under `media/` (the sweep's output check).
 */
export type MediaBucketAccess = 'write' | 'delete' | 'sweep';

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
 * `bindProcessQueue`) that set the environment variable and the narrowest grant together.
 */
export class PipelineFunction extends Construct implements iam.IGrantable {
  readonly function: NodejsFunction;
  readonly role: iam.Role;
  readonly logGroup: LogGroup;
  readonly grantPrincipal: iam.IPrincipal;

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

    this.function = new NodejsFunction(this, 'Function', {
      architecture: Architecture.ARM_64,
      timeout: Duration.seconds(10),
      memorySize: 512,
      loggingFormat: LoggingFormat.JSON,
      applicationLogLevelV2: ApplicationLogLevel.INFO,
      ...functionProps,
      entry: join(PROJECT_ROOT, 'lambdas', handlerDir, 'handler.ts'),
      handler: 'handler',
      runtime: PIPELINE_RUNTIME,
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: join(PROJECT_ROOT, 'package-lock.json'),
      bundling: PIPELINE_BUNDLING,
      role: this.role,
      logGroup: this.logGroup,
      tracing: Tracing.ACTIVE,
      environment: {
        POWERTOOLS_SERVICE_NAME: serviceName ?? 'media-pipeline',
        NODE_OPTIONS: PIPELINE_NODE_OPTIONS,
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

  /** Sets `UPLOADS_TABLE` and grants item reads plus only the item writes `access` names, indexes included. */
  bindUploadsTable(table: ITable, access: TableAccess): this {
    this.function.addEnvironment(ENV.uploadsTable, table.tableName);
    table.grantReadData(this);
    const writes = TABLE_WRITES[access];
    if (writes.length > 0) table.grant(this, ...writes);
    this.acknowledgeWildcard(
      iamResourceFinding(this, `${table.tableArn}/index/*`),
      "Table grants extend to the Uploads table's own GSIs, which IAM can name only as <table>/index/<name>.",
    );
    return this;
  }

  /**
   * Sets `USAGE_TABLE` and grants the two item actions the usage code sends: GetItem (a
   * consistent read of the user's counters) and UpdateItem (every conditional change of them).
   */
  bindUsageTable(table: ITable): this {
    this.function.addEnvironment(ENV.usageTable, table.tableName);
    table.grant(this, 'dynamodb:GetItem', 'dynamodb:UpdateItem');
    return this;
  }

  /** Sets `UPLOADS_BUCKET` and grants exactly the S3 actions `access` needs on originals. */
  bindUploadsBucket(bucket: IBucket, access: UploadsBucketAccess): this {
    this.function.addEnvironment(ENV.uploadsBucket, bucket.bucketName);
    const originals = sourceKey('*');
    const actions: Record<UploadsBucketAccess, string[]> = {
      read: ['s3:GetObject'],
      expire: ['s3:AbortMultipartUpload', 's3:GetObject'],
      // CreateMultipartUpload, UploadPart (signed here, sent by the client) and CompleteMultipartUpload all need s3:PutObject.
      multipart: ['s3:PutObject', 's3:AbortMultipartUpload', 's3:ListMultipartUploadParts', 's3:GetObject'],
      'multipart+delete': ['s3:PutObject', 's3:AbortMultipartUpload', 's3:ListMultipartUploadParts', 's3:GetObject', 's3:DeleteObject'],
    };
    BucketGrants.fromBucket(bucket).actionsOnObjectKeys(this, originals, ...actions[access]);
    // Without it a HEAD of a missing original is a 403, not the 404 that means "not there"; no s3:prefix
    // condition, since a HEAD carries no prefix for one to match.
    iam.Grant.addToPrincipal({ grantee: this, actions: ['s3:ListBucket'], resourceArns: [bucket.bucketArn] });
    this.acknowledgeWildcard(
      iamResourceFinding(this, bucket.arnForObjects(originals)),
      'Originals live at uploads/{uploadId}/source with server-made ids; the grant covers that key shape only.',
    );
    return this;
  }

  /** Sets `MEDIA_BUCKET` and grants exactly the S3 actions `access` needs on outputs under `media/`. */
  bindMediaBucket(bucket: IBucket, access: MediaBucketAccess): this {
    this.function.addEnvironment(ENV.mediaBucket, bucket.bucketName);
    const outputs = `${mediaPrefix('*')}*`;
    const grants = BucketGrants.fromBucket(bucket);
    if (access === 'write') {
      grants.actionsOnObjectKeys(this, outputs, 's3:PutObject', 's3:AbortMultipartUpload');
    } else {
      grants.actionsOnObjectKeys(this, outputs, 's3:DeleteObject');
      // No bucket grant lists under one prefix only; iam.Grant keeps the s3:prefix condition beside the bucket ARN.
      iam.Grant.addToPrincipal({
        grantee: this,
        actions: ['s3:ListBucket'],
        resourceArns: [bucket.bucketArn],
        conditions: { StringLike: { 's3:prefix': access === 'sweep' ? [MEDIA_ROOT, outputs] : [outputs] } },
      });
    }
    this.acknowledgeWildcard(
      iamResourceFinding(this, bucket.arnForObjects(outputs)),
      'Outputs live under media/{uploadId}/ with server-made ids and names; the grant covers that prefix only.',
    );
    return this;
  }

  /** Sets `PROCESS_QUEUE_URL` and grants sending to the process queue and reading its message counts. */
  bindProcessQueue(queue: IQueue): this {
    this.function.addEnvironment(ENV.processQueueUrl, queue.queueUrl);
    queue.grant(this, 'sqs:SendMessage', 'sqs:GetQueueAttributes');
    return this;
  }

  /** Sets `UPLOAD_POLICY`: the limits the function enforces and `GET /config` reports. */
  bindUploadPolicy(policy: UploadPolicy): this {
    this.function.addEnvironment(ENV.uploadPolicy, JSON.stringify(policy));
    return this;
  }

  private acknowledgeWildcard(finding: string, reason: string): void {
    // After the grant, so the role's DefaultPolicy exists and receives the acknowledgment.
    NagSuppressions.addResourceSuppressions(this.role, [{ id: 'AwsSolutions-IAM5', reason, appliesTo: [finding] }], true);
  }
}
