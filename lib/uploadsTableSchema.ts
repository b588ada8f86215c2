import { BY_PENDING_PROCESSING_INDEX } from '../lambdas/shared/pendingProcessing.js';
import {
  BY_OWNER_INDEX,
  BY_PENDING_EXPIRY_INDEX,
  BY_RUNNING_JOB_INDEX,
  BY_UNFINISHED_OWNER_INDEX,
  PENDING_EXPIRY_PARTITION,
} from '../lambdas/shared/uploadIndexes.js';
import { BY_PENDING_RETENTION_INDEX, RECORD_TTL_ATTRIBUTE } from '../lambdas/shared/retentionSettings.js';

/**
 * The Uploads table's keys and indexes, in one neutral shape: the CDK stack builds the real
 * table from it and local mode creates the emulator's table from it, so both always agree.
 */
export interface KeyAttribute {
  readonly name: string;
  readonly type: 'S' | 'N';
}

export interface IndexSchema {
  readonly indexName: string;
  readonly partitionKey: KeyAttribute;
  readonly sortKey: KeyAttribute;
}

export interface TableSchema {
  readonly partitionKey: KeyAttribute;
  /** @default - none: the partition key alone names an item */
  readonly sortKey?: KeyAttribute;
  readonly globalSecondaryIndexes: readonly IndexSchema[];
  /** Attribute (epoch seconds) after which the item is removed: DynamoDB's TTL, local mode's retention job. @default - none */
  readonly timeToLiveAttribute?: string;
}

export { BY_OWNER_INDEX, BY_PENDING_EXPIRY_INDEX, BY_RUNNING_JOB_INDEX, BY_UNFINISHED_OWNER_INDEX, PENDING_EXPIRY_PARTITION };

/** The sweep's sparse GSI (lambdas/shared/pendingProcessing.ts says what it holds). */
export { BY_PENDING_PROCESSING_INDEX };

/** The retention job's sparse GSI (lambdas/shared/retentionSettings.ts says what it holds). */
export { BY_PENDING_RETENTION_INDEX };

export const UPLOADS_TABLE_SCHEMA: TableSchema = {
  partitionKey: { name: 'uploadId', type: 'S' },
  globalSecondaryIndexes: [
    {
      indexName: BY_OWNER_INDEX,
      partitionKey: { name: 'ownerId', type: 'S' },
      sortKey: { name: 'createdAt', type: 'S' },
    },
    {
      indexName: BY_PENDING_EXPIRY_INDEX,
      partitionKey: { name: 'pendingExpiry', type: 'S' },
      sortKey: { name: 'expiresAt', type: 'S' },
    },
    {
      indexName: BY_UNFINISHED_OWNER_INDEX,
      partitionKey: { name: 'unfinishedOwner', type: 'S' },
      sortKey: { name: 'createdAt', type: 'S' },
    },
    {
      indexName: BY_PENDING_PROCESSING_INDEX,
      partitionKey: { name: 'pendingProcessing', type: 'S' },
      sortKey: { name: 'updatedAt', type: 'S' },
    },
    {
      indexName: BY_RUNNING_JOB_INDEX,
      partitionKey: { name: 'runningJob', type: 'S' },
      sortKey: { name: 'updatedAt', type: 'S' },
    },
    {
      indexName: BY_PENDING_RETENTION_INDEX,
      partitionKey: { name: 'pendingRetention', type: 'S' },
      sortKey: { name: 'updatedAt', type: 'S' },
    },
  ],
  timeToLiveAttribute: RECORD_TTL_ATTRIBUTE,
};
