import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { Rule } from 'aws-cdk-lib/aws-events';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { EXPIRE_UPLOADS_FUNCTION } from './eventFunctions.js';
import type { PipelineFunction } from './PipelineFunction.js';
import { scheduledFunction } from './scheduledFunction.js';
import { BY_PENDING_EXPIRY_INDEX } from './uploadsTableSchema.js';

export interface UploadExpiryProps {
  readonly uploadsBucket: IBucket;
  readonly table: ITable;
  /** The per-user usage counters: an expiry releases the upload's share. */
  readonly usageTable: ITable;
  /**
   * How often the job looks for initiated uploads past their deadline (1 minute to 6 hours).
   * @default Duration.minutes(15)
   */
  readonly interval?: Duration;
  /**
   * What happens to the log group when it leaves the stack.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * Expires uploads that were never completed: a scheduled function moves `initiated` records past
 * their deadline to `expired` and aborts their multipart uploads, so their parts stop costing.
 * A failed run is retried twice, then its event lands in an encrypted, TLS-only dead-letter
 * queue, whether EventBridge could not deliver it or the function kept failing. Each run
 * redoes all pending work, so a lost run only delays expiry to the next one.
 */
export class UploadExpiry extends Construct {
  readonly function: PipelineFunction;
  readonly rule: Rule;
  readonly deadLetterQueue: Queue;

  constructor(scope: Construct, id: string, props: UploadExpiryProps) {
    super(scope, id);
    const scheduled = scheduledFunction(this, EXPIRE_UPLOADS_FUNCTION, {
      interval: props.interval ?? Duration.minutes(15),
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    });
    this.function = scheduled.function
      .bindUploadsTable(props.table, { items: ['get', 'update'], queries: [BY_PENDING_EXPIRY_INDEX] })
      .bindUsageTable(props.usageTable, ['get', 'update'])
      // Finds whether an original was completed after all (recording the checksum S3 verified for
      // a checksum upload), else aborts its multipart upload.
      .bindUploadsBucket(props.uploadsBucket, ['find', 'abort', 'readChecksum']);
    this.rule = scheduled.rule;
    this.deadLetterQueue = scheduled.deadLetterQueue;
  }
}
