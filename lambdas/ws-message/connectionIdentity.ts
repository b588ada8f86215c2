/** Who a connection belongs to, as its `$connect` authorizer left it on every message. */
export interface ConnectionIdentity {
  readonly connectionId: string;
  readonly ownerId: string;
  /** When the connection's token expires (epoch seconds). */
  readonly tokenExpiresAt: number;
  /** When the connection opened (epoch milliseconds, API Gateway's `connectedAt`); its 2-hour limit counts from here. */
  readonly connectedAt?: number;
}

/**
 * The identity from `requestContext.authorizer`. API Gateway passes the authorizer's context
 * values as they were returned, local mode too; a number may still arrive as text, so it is read
 * either way. Missing, the message cannot have passed `$connect`: a configuration fault.
 */
export function connectionIdentity(
  connectionId: string,
  authorizer: Readonly<Record<string, unknown>> | undefined,
  connectedAt?: number,
): ConnectionIdentity {
  const ownerId = authorizer?.ownerId ?? authorizer?.principalId;
  const tokenExpiresAt = Number(authorizer?.tokenExpiresAt);
  if (typeof ownerId !== 'string' || ownerId === '' || !Number.isFinite(tokenExpiresAt)) {
    throw new Error('The message carries no authorizer context: is the authorizer attached to $connect?');
  }
  return { connectionId, ownerId, tokenExpiresAt, ...(Number.isFinite(connectedAt) ? { connectedAt } : {}) };
}
