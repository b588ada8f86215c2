import { PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { connectionsTableName } from '../shared/config.js';
import { dynamo } from '../shared/dynamo.js';
import { ownerConnectionsTopic } from '../shared/progress/subscriptionKeys.js';

const tableName = connectionsTableName();

/**
 * How many live connections the owner holds: the items under their connections topic that have
 * not expired (a `$disconnect` that never ran leaves one behind until its expiry). At most the
 * per-owner limit plus a few is ever read.
 */
export async function liveConnectionsOf(ownerId: string, nowSeconds: number): Promise<number> {
  const { Count } = await dynamo.send(
    new QueryCommand({
      TableName: tableName,
      KeyConditionExpression: '#topic = :topic',
      FilterExpression: '#expiresAt > :now',
      ExpressionAttributeNames: { '#topic': 'topic', '#expiresAt': 'expiresAt' },
      ExpressionAttributeValues: { ':topic': ownerConnectionsTopic(ownerId), ':now': nowSeconds },
      Select: 'COUNT',
    }),
  );
  return Count ?? 0;
}

/** Counts a connection for its owner until it closes (or, failing a `$disconnect`, until `expiresAt`). */
export async function countConnection(ownerId: string, connectionId: string, expiresAt: number): Promise<void> {
  await dynamo.send(new PutCommand({ TableName: tableName, Item: { topic: ownerConnectionsTopic(ownerId), connectionId, ownerId, expiresAt } }));
}
