import { logger } from '../shared/logger.js';
import { closeConnection, MAX_POSTS_IN_FLIGHT, postToConnection } from '../shared/progress/connectionPoster.js';
import { type ServerMessage, type UploadEvent } from '../../client/protocol.js';
import { ownerTopic, type SubscriptionItem, uploadTopic } from '../shared/progress/subscriptionKeys.js';
import { deleteSubscriptionsOf, subscribersOf } from '../shared/progress/subscriptionStore.js';

export interface FanOutReport {
  readonly sent: number;
  /** Connections API Gateway no longer knows (410): their subscriptions were removed. */
  readonly gone: number;
  /** Connections whose token had expired: told so, closed, their subscriptions removed. */
  readonly expired: number;
  /** Posts that failed otherwise: logged, never retried (the next write carries the whole state again). */
  readonly failed: number;
}

const TOKEN_EXPIRED: ServerMessage = {
  type: 'error',
  error: { code: 'TOKEN_EXPIRED', message: 'The connection token has expired; connect again with a fresh one' },
};

/**
 * Posts one upload event to every subscriber of the upload and of its owner (once per
 * connection, however many of its subscriptions match). Throws only when the subscribers
 * cannot be read, so the stream hands the write over again; a failed post is logged and never
 * undoes or fails anything.
 */
export async function fanOut(event: UploadEvent, ownerId: string, now: Date = new Date()): Promise<FanOutReport> {
  const nowSeconds = Math.floor(now.getTime() / 1000);
  const [ofUpload, ofOwner] = await Promise.all([subscribersOf(uploadTopic(event.uploadId), nowSeconds), subscribersOf(ownerTopic(ownerId), nowSeconds)]);
  const connections = new Map<string, SubscriptionItem>();
  // An owner topic is the owner's own by construction; an upload topic is checked too, in case
  // a subscription outlived a change of hands that cannot happen today.
  for (const item of [...ofUpload, ...ofOwner]) if (item.ownerId === ownerId) connections.set(item.connectionId, item);

  let sent = 0;
  let gone = 0;
  let expired = 0;
  let failed = 0;
  await forEachLimited([...connections.values()], MAX_POSTS_IN_FLIGHT, async (item) => {
    try {
      if (item.tokenExpiresAt <= nowSeconds) {
        await postToConnection(item.connectionId, TOKEN_EXPIRED);
        await closeConnection(item.connectionId);
        await deleteSubscriptionsOf(item.connectionId, item.ownerId);
        expired += 1;
        return;
      }
      if ((await postToConnection(item.connectionId, event)) === 'gone') {
        await deleteSubscriptionsOf(item.connectionId, item.ownerId);
        gone += 1;
        return;
      }
      sent += 1;
    } catch (error) {
      failed += 1;
      logger.warn('Could not post an upload event to a connection; the next write carries the whole state again', {
        uploadId: event.uploadId,
        seq: event.seq,
        connectionId: item.connectionId,
        error: error as Error,
      });
    }
  });
  return { sent, gone, expired, failed };
}

async function forEachLimited<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++] as T);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
