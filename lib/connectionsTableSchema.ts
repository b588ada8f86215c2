import { BY_CONNECTION_INDEX, SUBSCRIPTION_TTL_ATTRIBUTE } from '../lambdas/shared/progress/subscriptionKeys.js';
import type { TableSchema } from './uploadsTableSchema.js';

/**
 * The Connections table of live progress: one item per subscription, keyed by its topic
 * (`upload#<uploadId>` or `owner#<ownerId>`, lambdas/shared/progress/subscriptionKeys.ts) and the
 * connection, so a publisher finds every subscriber of a write with two queries; the
 * `byConnection` index finds a connection's subscriptions when it closes or is gone. Items carry
 * a TTL (`expiresAt`) past API Gateway's 2-hour connection limit, so a `$disconnect` that never
 * ran leaves nothing behind for long.
 */
export { BY_CONNECTION_INDEX, SUBSCRIPTION_TTL_ATTRIBUTE };

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
