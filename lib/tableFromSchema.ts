import { RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, BillingMode, type StreamViewType, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import type { Construct } from 'constructs';
import type { KeyAttribute, TableSchema } from './uploadsTableSchema.js';

export interface TableFromSchemaOptions {
  /** With RETAIN the table is also guarded against deletion outside CloudFormation. */
  readonly removalPolicy: RemovalPolicy;
  /**
   * Continuous backups for the last 35 days.
   * @default true
   */
  readonly pointInTimeRecovery?: boolean;
  /** @default - no stream */
  readonly stream?: StreamViewType;
  /** Attribute (epoch seconds) after which DynamoDB deletes an item. @default - the schema's, if any */
  readonly timeToLiveAttribute?: string;
}

/**
 * A DynamoDB table built from a schema that local mode shares: on demand, encrypted with the
 * AWS-managed key, its keys and global secondary indexes exactly as the schema names them.
 */
export function tableFromSchema(scope: Construct, id: string, schema: TableSchema, options: TableFromSchemaOptions): Table {
  const table = new Table(scope, id, {
    partitionKey: attribute(schema.partitionKey),
    sortKey: schema.sortKey ? attribute(schema.sortKey) : undefined,
    billingMode: BillingMode.PAY_PER_REQUEST,
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: options.pointInTimeRecovery ?? true },
    encryption: TableEncryption.AWS_MANAGED,
    stream: options.stream,
    timeToLiveAttribute: options.timeToLiveAttribute ?? schema.timeToLiveAttribute,
    // A retained table is one worth keeping: also guard it against deletion outside CloudFormation.
    deletionProtection: options.removalPolicy === RemovalPolicy.RETAIN,
    removalPolicy: options.removalPolicy,
  });
  for (const index of schema.globalSecondaryIndexes) {
    table.addGlobalSecondaryIndex({
      indexName: index.indexName,
      partitionKey: attribute(index.partitionKey),
      sortKey: attribute(index.sortKey),
    });
  }
  return table;
}

function attribute(key: KeyAttribute): { name: string; type: AttributeType } {
  return { name: key.name, type: key.type === 'S' ? AttributeType.STRING : AttributeType.NUMBER };
}
