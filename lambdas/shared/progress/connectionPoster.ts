import {
  ApiGatewayManagementApiClient,
  DeleteConnectionCommand,
  GoneException,
  PostToConnectionCommand,
} from '@aws-sdk/client-apigatewaymanagementapi';
import { webSocketCallbackUrl } from '../config.js';
import type { ServerMessage } from './protocol.js';

/** The management API of this stage (local mode's gateway serves the same paths), created once per container. */
const management = new ApiGatewayManagementApiClient({ endpoint: webSocketCallbackUrl() });

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

/** Closes a connection from the server side (its `$disconnect` then runs); a connection already gone is fine. */
export async function closeConnection(connectionId: string): Promise<void> {
  try {
    await management.send(new DeleteConnectionCommand({ ConnectionId: connectionId }));
  } catch (error) {
    if (!(error instanceof GoneException)) throw error;
  }
}
