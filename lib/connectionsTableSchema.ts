import type { TableSchema } from './uploadsTableSchema.js';

/**
 * The Connections table of live progress: one item per subscription, keyed by its topic
 * (`upload#<uploadId>` or `owner#<ownerId>`, lambdas/shared/progress/topics.ts) and the
 * connection, so a publisher finds every subscriber of a write with two queries; the
 * `byConnection` index finds a connection's subscriptions when it closes or is gone. Items carry
 * a TTL (`expiresAt`) past API Gateway's 2-hour connection limit, so a `$disconnect` that never
 * ran leaves nothing behind for long.
 */
export const BY_CONNECTION_INDEX = 'byConnection';

/** The TTL attribute: epoch seconds. */
export const CONNECTIONS_TTL_ATTRIBUTE = 'expiresAt';

export const CONNECTIONS_TABLE_SCHEMA: TableSchema = {
  partitionKey: { name: 'topic', type: 'S' },
  sortKey: { name: 'connectionId', type: 'S' },
  globalSecondaryIndexes: [
    {
      indexName: BY_CONNECTION_INDEX,
      partitionKey: { name: 'connectionId', type: 'S' },
      sortKey: { name: 'topic', type: 'S' },
    },
  ],
};
