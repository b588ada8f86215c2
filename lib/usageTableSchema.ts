import type { TableSchema } from './uploadsTableSchema.js';

/**
 * The Usage table: one item per user (partition key `ownerId`) with the counters the per-user
 * limits are checked against. No index: every read and write names the user. The stack builds
 * the real table from it and local mode creates the emulator's, like the Uploads table.
 */
export const USAGE_TABLE_SCHEMA: TableSchema = {
  partitionKey: { name: 'ownerId', type: 'S' },
  globalSecondaryIndexes: [],
};
