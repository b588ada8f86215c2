import {
  ApiGatewayManagementApiClient,
  DeleteConnectionCommand,
  GetConnectionCommand,
  GoneException,
  PostToConnectionCommand,
} from '@aws-sdk/client-apigatewaymanagementapi';
import { webSocketCallbackUrl } from '../config.js';
import type { ServerMessage } from '../../../client/protocol.js';

/**
 * Posts in flight at once in the publisher's fan-out: enough to serve 1,000 subscribers within
 * a second, few enough for one container's sockets. The client keeps as many sockets open, so
 * no post waits for one (the SDK's default is 50).
 */
export const MAX_POSTS_IN_FLIGHT = 64;

/**
 * The management API of this stage (local mode's gateway serves the same paths), created once
 * per container. A fan-out sends one post per subscriber, so the SDK's own work per post is
 * most of its CPU: `cacheMiddleware` builds the middleware stack once instead of per post
 * (nothing adds middleware to this client later). bench/progressFanOut.ts measures the effect.
 */
const management = new ApiGatewayManagementApiClient({
  endpoint: webSocketCallbackUrl(),
  cacheMiddleware: true,
  requestHandler: {
    httpAgent: { keepAlive: true, maxSockets: MAX_POSTS_IN_FLIGHT },
    httpsAgent: { keepAlive: true, maxSockets: MAX_POSTS_IN_FLIGHT },
  },
});

export type PostOutcome = 'sent' | 'gone';

/**
 * Posts one message to one connection. `gone` when API Gateway answers 410 (the client left
 * without a `$disconnect` reaching us, or the connection hit its limit): the caller drops its
 * subscriptions. Any other failure throws.
 */
export async function postToConnection(connectionId: string, message: ServerMessage): Promise<PostOutcome> {
  try {
    await management.send(new PostToConnectionCommand({ ConnectionId: connectionId, Data: JSON.stringify(message) }));
    return 'sent';
  } catch (error) {
    if (error instanceof GoneException) return 'gone';
    throw error;
  }
}

/** Whether API Gateway still holds the connection (GetConnection; 410 means it does not). */
export async function isConnectionLive(connectionId: string): Promise<boolean> {
  try {
    await management.send(new GetConnectionCommand({ ConnectionId: connectionId }));
    return true;
  } catch (error) {
    if (error instanceof GoneException) return false;
    throw error;
  }
}

/** Closes a connection from the server side (its `$disconnect` then runs); a connection already gone is fine. */
export async function closeConnection(connectionId: string): Promise<void> {
  try {
    await management.send(new DeleteConnectionCommand({ ConnectionId: connectionId }));
  } catch (error) {
    if (!(error instanceof GoneException)) throw error;
  }
}
