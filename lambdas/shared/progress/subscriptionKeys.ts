/**
 * How subscriptions are keyed in the Connections table (lib/connectionsTableSchema.ts builds the
 * table from these names): one item per topic and connection.
 */

/** The index by connection: a connection's subscriptions, to remove them when it closes or is gone. */
export const BY_CONNECTION_INDEX = 'byConnection';

/** The TTL attribute (epoch seconds): DynamoDB removes what a `$disconnect` that never ran left behind. */
export const SUBSCRIPTION_TTL_ATTRIBUTE = 'expiresAt';

/** One subscription: who is listening to what, until when. */
export interface SubscriptionItem {
  /** `upload#<uploadId>` or `owner#<ownerId>`. */
  readonly topic: string;
  readonly connectionId: string;
  readonly ownerId: string;
  /** When the subscription stops counting, past API Gateway's 2-hour connection limit (epoch seconds, the TTL). */
  readonly expiresAt: number;
  /** When the connection's token expires (epoch seconds): no message is posted after it. */
  readonly tokenExpiresAt: number;
}

export function uploadTopic(uploadId: string): string {
  return `upload#${uploadId}`;
}

export function ownerTopic(ownerId: string): string {
  return `owner#${ownerId}`;
}

/** Where a connection's count of subscriptions is kept (no publisher reads this topic). */
export function subscriptionCounterTopic(connectionId: string): string {
  return `connection#${connectionId}`;
}

/**
 * Where an owner's live connections are counted: one item per connection (no publisher reads
 * this topic), removed with the connection's subscriptions on `$disconnect` or a 410.
 */
export function ownerConnectionsTopic(ownerId: string): string {
  return `connections#${ownerId}`;
}
