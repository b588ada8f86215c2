import type { APIGatewayAuthorizerResult, APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import type { JWTVerifyGetKey } from 'jose';
import type { JwtSettings } from '../shared/config.js';
import { logger } from '../shared/logger.js';
import { connectionToken } from './connectionToken.js';
import { verifyConnectionToken } from './verifyConnectionToken.js';

/** What every later message of an authorized connection carries in `requestContext.authorizer`. */
export interface ConnectionIdentity {
  readonly ownerId: string;
  /** Epoch seconds. */
  readonly tokenExpiresAt: number;
}

/** Thrown with exactly this message, API Gateway refuses the handshake with 401. */
export const UNAUTHORIZED = 'Unauthorized';

/**
 * The `$connect` REQUEST authorizer: the connection's JWT (subprotocol or query) must pass the
 * HTTP API's checks. Allowed, the connection carries the caller's `sub` and the token's expiry
 * to every later message; refused, the handshake fails with 401. Reasons are logged; tokens never are.
 */
export async function authorizeConnection(
  event: APIGatewayRequestAuthorizerEvent,
  settings: JwtSettings,
  getKey: JWTVerifyGetKey,
): Promise<APIGatewayAuthorizerResult> {
  const connectionId = event.requestContext?.connectionId;
  const found = connectionToken(event.headers, event.queryStringParameters);
  if (!found.ok) {
    logger.info('Connection refused', { connectionId, reason: found.reason });
    throw new Error(UNAUTHORIZED);
  }
  const verdict = await verifyConnectionToken(found.token, settings, getKey);
  if (!verdict.ok) {
    logger.info('Connection refused', { connectionId, reason: verdict.reason });
    throw new Error(UNAUTHORIZED);
  }
  const context: ConnectionIdentity = { ownerId: verdict.ownerId, tokenExpiresAt: verdict.expiresAt };
  return {
    principalId: verdict.ownerId,
    policyDocument: { Version: '2012-10-17', Statement: [{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: event.methodArn }] },
    context: { ...context },
  };
}
