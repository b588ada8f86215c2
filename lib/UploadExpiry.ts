import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { EXPIRE_UPLOADS_FUNCTION } from './eventFunctions.js';
import { PipelineFunction } from './PipelineFunction.js';
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
    const interval = props.interval ?? Duration.minutes(15);
    const seconds = interval.toSeconds({ integral: false });
    // The interval is also the retry window, and Lambda keeps an async event at most 6 hours.
    if (seconds < 60 || seconds > 6 * 3600) {
      throw new Error(`interval must be from 1 minute to 6 hours, got ${seconds} seconds`);
    }

    // SQS-managed keys, not the AWS-managed KMS key: EventBridge cannot send to a queue encrypted with aws/sqs.
    this.deadLetterQueue = new Queue(this, 'DeadLetterQueue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });

    this.function = new PipelineFunction(this, EXPIRE_UPLOADS_FUNCTION.id, {
      handlerDir: EXPIRE_UPLOADS_FUNCTION.handler,
      description: EXPIRE_UPLOADS_FUNCTION.description,
      memorySize: 256,
      // Finishes well before the next run starts.
      timeout: Duration.minutes(5),
      retryAttempts: 2,
      // A tick older than one interval is superseded by the next run.
      maxEventAge: interval,
      deadLetterQueue: this.deadLetterQueue,
      logRemovalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    })
      .bindUploadsTable(props.table, { items: ['get', 'update'], queries: [BY_PENDING_EXPIRY_INDEX] })
      .bindUsageTable(props.usageTable, ['get', 'update'])
      // Finds whether an original was completed after all, else aborts its multipart upload.
      .bindUploadsBucket(props.uploadsBucket, ['find', 'abort']);

    this.rule = new Rule(this, 'Schedule', {
      description: EXPIRE_UPLOADS_FUNCTION.description,
      schedule: Schedule.rate(interval),
      targets: [
        new LambdaFunction(this.function.function, {
          retryAttempts: 2,
          maxEventAge: interval,
          deadLetterQueue: this.deadLetterQueue,
        }),
      ],
    });
  }
}
