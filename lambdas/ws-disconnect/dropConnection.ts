import { logger } from '../shared/logger.js';
import { deleteSubscriptionsOf } from '../shared/progress/subscriptionStore.js';

/**
 * `$disconnect`: removes the closed connection's subscriptions. API Gateway delivers it at
 * most once and not always; the publisher drops a connection it finds gone, and the TTL the rest.
 */
export async function dropConnection(connectionId: string): Promise<void> {
  const removed = await deleteSubscriptionsOf(connectionId);
  logger.info('Connection closed', { connectionId, subscriptionsRemoved: removed });
}
