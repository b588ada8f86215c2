import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { StreamViewType, type Table } from 'aws-cdk-lib/aws-dynamodb';
import { BlockPublicAccess, Bucket, BucketEncryption, HttpMethods, type LifecycleRule, ObjectOwnership, type StorageClass } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { UPLOADS_PREFIX } from './eventFunctions.js';
import { USAGE_TABLE_SCHEMA } from './usageTableSchema.js';
import { tableFromSchema } from './tableFromSchema.js';
import { UPLOADS_TABLE_SCHEMA } from './uploadsTableSchema.js';

export interface StorageProps {
  /**
   * Origins whose browsers may PUT parts to, and GET/HEAD originals from, the uploads bucket.
   * @default ['*'] - any origin; a part URL is still useless without its signature
   */
  readonly corsOrigins?: readonly string[];
  /**
   * When S3 itself aborts a multipart upload that was never completed: the backstop behind the
   * expiry job, so it must come after the upload expiry. Whole days (an S3 lifecycle rule).
   * @default Duration.days(2)
   */
  readonly abortIncompleteMultipartUploadAfter?: Duration;
  /**
   * Moves every original under `uploads/` that is `after` old (since its upload) to
   * `storageClass`: the `archive` choice of retention (lib/retentionFromProps.ts). By then the
   * originals left are those of `ready` uploads (failed ones are deleted sooner by default);
   * any other, moved too, stays readable, as only classes that serve a GET at once are allowed.
   * @default - originals stay in S3 Standard
   */
  readonly archiveOriginals?: { readonly after: Duration; readonly storageClass: StorageClass };
  /**
   * How long S3 server access logs are kept.
   * @default Duration.days(90)
   */
  readonly accessLogRetention?: Duration;
  /**
   * What happens to the buckets and the table when they leave the stack. With
   * `RemovalPolicy.DESTROY` the buckets are emptied first, so a test stack deletes cleanly.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * Where uploads live: the uploads bucket (originals, written by clients through presigned part
 * URLs), the media bucket (outputs, served through a CDN), the bucket both log their access to,
 * and the Uploads table (TTL on `removeAt`: records of uploads that ended without media go after
 * their retention). Originals and outputs never share a bucket, so a processor writing
 * outputs can never trigger itself. The Uploads table streams every write (its new image). The Usage table holds one item per user: the counters the
 * per-user limits are checked against.
 *
 * Both data buckets are private, TLS-only and SSE-S3 encrypted. SSE-S3 rather than SSE-KMS: the
 * bytes arrive through presigned part PUTs and leave through the process function's GetObject and
 * CloudFront, and with a KMS key every signer and reader would also need key grants while each
 * part paid a KMS request; SSE-S3 keeps the same at-rest protection without that coupling.
 * Versioning is off: the Uploads table is the record of truth, keys are server-made and written
 * once, and a deleted upload must really be gone, not linger as a noncurrent version.
 */
export class Storage extends Construct {
  readonly uploadsBucket: Bucket;
  readonly mediaBucket: Bucket;
  readonly accessLogsBucket: Bucket;
  readonly table: Table;
  readonly usageTable: Table;

  constructor(scope: Construct, id: string, props: StorageProps = {}) {
    super(scope, id);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    const autoDeleteObjects = removalPolicy === RemovalPolicy.DESTROY;

    // S3 delivers server access logs only to an SSE-S3 bucket; this one is the log target itself.
    this.accessLogsBucket = new Bucket(this, 'AccessLogsBucket', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      encryption: BucketEncryption.S3_MANAGED,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      lifecycleRules: [{ expiration: props.accessLogRetention ?? Duration.days(90) }],
      removalPolicy,
      autoDeleteObjects,
    });

    this.uploadsBucket = new Bucket(this, 'UploadsBucket', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      encryption: BucketEncryption.S3_MANAGED,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      versioned: false,
      cors: [
        {
          allowedMethods: [HttpMethods.PUT, HttpMethods.GET, HttpMethods.HEAD],
          allowedOrigins: [...(props.corsOrigins ?? ['*'])],
          allowedHeaders: ['content-type', 'content-length', 'x-amz-checksum-crc32c', 'if-none-match'],
          // A browser can read a part's ETag (needed to complete the upload) only if S3 exposes it.
          exposedHeaders: ['ETag'],
          maxAge: 3000,
        },
      ],
      lifecycleRules: [
        { abortIncompleteMultipartUploadAfter: props.abortIncompleteMultipartUploadAfter ?? Duration.days(2) },
        ...archiveRules(props.archiveOriginals),
      ],
      serverAccessLogsBucket: this.accessLogsBucket,
      serverAccessLogsPrefix: 'uploads/',
      removalPolicy,
      autoDeleteObjects,
    });

    this.mediaBucket = new Bucket(this, 'MediaBucket', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      encryption: BucketEncryption.S3_MANAGED,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      // Outputs can be rebuilt from the original; versions would only keep deleted media alive.
      versioned: false,
      lifecycleRules: [{ abortIncompleteMultipartUploadAfter: Duration.days(1) }],
      serverAccessLogsBucket: this.accessLogsBucket,
      serverAccessLogsPrefix: 'media/',
      removalPolicy,
      autoDeleteObjects,
    });

    // The stream carries every write of a record, by any function, to live progress's publisher
    // (lib/ProgressApi.ts), so no writer has to remember to publish; the publisher needs the
    // record as written (NEW_IMAGE), not what it was. A stream costs nothing while unread.
    this.table = tableFromSchema(this, 'UploadsTable', UPLOADS_TABLE_SCHEMA, { removalPolicy, stream: StreamViewType.NEW_IMAGE });
    this.usageTable = tableFromSchema(this, 'UsageTable', USAGE_TABLE_SCHEMA, { removalPolicy });
  }
}

function archiveRules(archive: StorageProps['archiveOriginals']): LifecycleRule[] {
  if (archive === undefined) return [];
  return [{ id: 'ArchiveOriginals', prefix: UPLOADS_PREFIX, transitions: [{ storageClass: archive.storageClass, transitionAfter: archive.after }] }];
}
