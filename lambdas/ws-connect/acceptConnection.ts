import type { APIGatewayProxyResult } from 'aws-lambda';
import { logger } from '../shared/logger.js';
import { MAX_CONNECTIONS_PER_OWNER, PROGRESS_PROTOCOL, WEBSOCKET_LIMITS } from '../shared/progress/protocol.js';
import { countConnection, liveConnectionsOf } from './connectionCount.js';

/** The count outlives API Gateway's connection limit by this much, then it stops counting (and the TTL removes it). */
const COUNT_MARGIN_SECONDS = 10 * 60;

export interface ConnectingClient {
  readonly connectionId: string;
  readonly ownerId: string;
  /** Epoch milliseconds. */
  readonly connectedAt: number;
}

/**
 * `$connect`, after the authorizer let the connection in: refuses it with 429 when its owner
 * already holds MAX_CONNECTIONS_PER_OWNER live connections (one user must not use up the
 * stage's throttle and the account's connection rate that every user shares), else counts it
 * and answers with `media-pipeline.v1` as the chosen subprotocol, and only that (a browser drops
 * a socket whose server picks a protocol it did not offer, and the `bearer.<JWT>` one must never
 * be echoed into logs or proxies). Connections opened at the same moment can pass the limit by
 * as many as race; the next ones are refused.
 */
export async function acceptConnection(client: ConnectingClient, now: Date = new Date()): Promise<APIGatewayProxyResult> {
  const nowSeconds = Math.floor(now.getTime() / 1000);
  const live = await liveConnectionsOf(client.ownerId, nowSeconds);
  if (live >= MAX_CONNECTIONS_PER_OWNER) {
    logger.info('Connection refused: too many for one user', { connectionId: client.connectionId, ownerId: client.ownerId, live });
    return { statusCode: 429, body: JSON.stringify({ message: `At most ${MAX_CONNECTIONS_PER_OWNER} connections per user` }) };
  }
  const expiresAt = Math.floor(client.connectedAt / 1000) + WEBSOCKET_LIMITS.maxConnectionSeconds + COUNT_MARGIN_SECONDS;
  await countConnection(client.ownerId, client.connectionId, expiresAt);
  return { statusCode: 200, headers: { 'Sec-WebSocket-Protocol': PROGRESS_PROTOCOL }, body: '' };
}
