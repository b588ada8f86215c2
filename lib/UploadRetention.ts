import { Aspects, type IAspect, RemovalPolicy } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { Rule } from 'aws-cdk-lib/aws-events';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct, type IConstruct } from 'constructs';
import { RETENTION_ENV } from '../lambdas/shared/config.js';
import type { RetentionSettings } from '../lambdas/shared/retentionSettings.js';
import { APPLY_RETENTION_FUNCTION } from './eventFunctions.js';
import { PipelineFunction } from './PipelineFunction.js';
import type { Retention } from './retentionFromProps.js';
import { scheduledFunction } from './scheduledFunction.js';
import { BY_PENDING_RETENTION_INDEX } from './uploadsTableSchema.js';

export interface UploadRetentionProps {
  /** The rules, as `retentionFromProps` resolved them. */
  readonly retention: Retention;
  readonly table: ITable;
  /** The per-user usage counters: deleting a failed upload's bytes releases what it held. */
  readonly usageTable: ITable;
  readonly uploadsBucket: IBucket;
  readonly mediaBucket: IBucket;
  /**
   * What happens to the log group when it leaves the stack.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * The parts of retention S3 and DynamoDB cannot decide alone. S3's lifecycle rule moves old
 * originals to a cheaper class by prefix (lib/Storage.ts `archiveOriginals`), and DynamoDB's TTL
 * removes the records `transition` stamped with `removeAt`; neither knows an upload's state or
 * its owner's usage. So a scheduled job reads the sparse `byPendingRetention` index and deletes
 * the originals (and outputs) of uploads failed for `deleteFailedAfter`, releasing their bytes
 * from the owner's usage, and, with `readyOriginals: 'delete'`, the originals of processed
 * uploads. Like the expiry job, a failed run is retried twice, then its event lands in an
 * encrypted, TLS-only dead-letter queue; each run redoes all pending work.
 *
 * `bindRecordWriters(scope)` tells every function under `scope` that updates upload records
 * the rules, since `transition` stamps a record's TTL and index entry as it enters a state.
 */
export class UploadRetention extends Construct {
  readonly function: PipelineFunction;
  readonly rule: Rule;
  readonly deadLetterQueue: Queue;
  /** What the functions are told (RETENTION_SETTINGS). */
  readonly settings: RetentionSettings;

  constructor(scope: Construct, id: string, props: UploadRetentionProps) {
    super(scope, id);
    this.settings = props.retention.settings;
    const scheduled = scheduledFunction(this, APPLY_RETENTION_FUNCTION, {
      interval: props.retention.interval,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
      environment: { [RETENTION_ENV.retentionSettings]: JSON.stringify(this.settings) },
    });
    this.function = scheduled.function
      // Finds due uploads through their index and takes them out of it with a transition (which
      // reads the record back on a lost race).
      .bindUploadsTable(props.table, { items: ['get', 'update'], queries: [BY_PENDING_RETENTION_INDEX] })
      // Releases a failed upload's bytes, as a delete of the upload does.
      .bindUsageTable(props.usageTable, ['get', 'update'])
      // Aborts the parts a refused complete left, and deletes originals.
      .bindUploadsBucket(props.uploadsBucket, ['abort', 'delete'])
      // Deletes whatever outputs a failed upload still has.
      .bindMediaBucket(props.mediaBucket, ['delete']);
    this.rule = scheduled.rule;
    this.deadLetterQueue = scheduled.deadLetterQueue;
  }

  /**
   * Sets RETENTION_SETTINGS on every PipelineFunction under `scope` that updates upload
   * records, whenever it was added: an aspect, so a function another construct adds later is
   * not missed (it would stamp the default rules instead of these).
   */
  bindRecordWriters(scope: IConstruct): void {
    const settings = this.settings;
    const aspect: IAspect = {
      visit(node) {
        if (node instanceof PipelineFunction && node.writesUploadRecords) node.bindRetentionSettings(settings);
      },
    };
    Aspects.of(scope).add(aspect);
  }
}
