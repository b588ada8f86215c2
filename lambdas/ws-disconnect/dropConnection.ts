import { logger } from '../shared/logger.js';
import { deleteSubscriptionsOf } from '../shared/progress/subscriptionStore.js';

/**
 * `$disconnect`: removes the closed connection's subscriptions and its place in its owner's
 * connection count (the owner comes from the authorizer's context). API Gateway delivers it at
 * most once and not always; the publisher drops a connection it finds gone, `$connect` one its
 * owner's count names but API Gateway no longer holds, and the TTL the rest.
 */
export async function dropConnection(connectionId: string, ownerId?: string): Promise<void> {
  const removed = await deleteSubscriptionsOf(connectionId, ownerId);
  logger.info('Connection closed', { connectionId, subscriptionsRemoved: removed });
}
