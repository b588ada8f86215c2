import type { APIGatewayProxyResult } from 'aws-lambda';
import { logger } from '../shared/logger.js';
import { isConnectionLive } from '../shared/progress/connectionPoster.js';
import { PROGRESS_PROTOCOL, WEBSOCKET_LIMITS } from '../../client/protocol.js';
import { countConnection, countedConnectionsOf, uncountConnection } from './connectionCount.js';

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
 * already holds `maxConnections` live connections (one user must not use up the stage's
 * throttle and the account's connection rate that every user shares), else counts it and
 * answers with `media-pipeline.v1` as the chosen subprotocol, and only that (a browser drops a
 * socket whose server picks a protocol it did not offer, and the `bearer.<JWT>` one must never
 * be echoed into logs or proxies).
 *
 * At the limit, each counted connection is asked of API Gateway (GetConnection) and the ones it
 * no longer holds stop counting: a `$disconnect` that never ran, or a handshake abandoned after
 * `$connect`, cannot lock the user out. Connections opened at the same instant can pass the
 * limit by as many as race; the next ones are refused.
 */
export async function acceptConnection(client: ConnectingClient, maxConnections: number, now: Date = new Date()): Promise<APIGatewayProxyResult> {
  const nowSeconds = Math.floor(now.getTime() / 1000);
  let counted = await countedConnectionsOf(client.ownerId, nowSeconds);
  if (counted.length >= maxConnections) {
    const live = await Promise.all(counted.map(async (connectionId) => ((await isConnectionLive(connectionId)) ? connectionId : undefined)));
    const gone = counted.filter((_, index) => live[index] === undefined);
    await Promise.all(gone.map((connectionId) => uncountConnection(client.ownerId, connectionId)));
    counted = counted.filter((_, index) => live[index] !== undefined);
  }
  if (counted.length >= maxConnections) {
    logger.info('Connection refused: too many for one user', { connectionId: client.connectionId, ownerId: client.ownerId, live: counted.length });
    return { statusCode: 429, body: JSON.stringify({ message: `At most ${maxConnections} connections per user` }) };
  }
  const expiresAt = Math.floor(client.connectedAt / 1000) + WEBSOCKET_LIMITS.maxConnectionSeconds + COUNT_MARGIN_SECONDS;
  await countConnection(client.ownerId, client.connectionId, expiresAt);
  return { statusCode: 200, headers: { 'Sec-WebSocket-Protocol': PROGRESS_PROTOCOL }, body: '' };
}
