import { DeleteCommand, paginateQuery, PutCommand } from '@aws-sdk/lib-dynamodb';
import { connectionsTableName } from '../shared/config.js';
import { dynamo } from '../shared/dynamo.js';
import { ownerConnectionsTopic } from '../shared/progress/subscriptionKeys.js';

const tableName = connectionsTableName();

/**
 * The connections the owner's count holds that have not expired (a `$disconnect` that never ran
 * leaves one behind until its expiry, or until `$connect` finds it gone). At most the per-user
 * limit plus a few race-admitted ones are ever held.
 */
export async function countedConnectionsOf(ownerId: string, nowSeconds: number): Promise<string[]> {
  const ids: string[] = [];
  const pages = paginateQuery(
    { client: dynamo },
    {
      TableName: tableName,
      KeyConditionExpression: '#topic = :topic',
      FilterExpression: '#expiresAt > :now',
      ExpressionAttributeNames: { '#topic': 'topic', '#expiresAt': 'expiresAt', '#connectionId': 'connectionId' },
      ExpressionAttributeValues: { ':topic': ownerConnectionsTopic(ownerId), ':now': nowSeconds },
      ProjectionExpression: '#connectionId',
      ConsistentRead: true,
    },
  );
  for await (const page of pages) for (const item of page.Items ?? []) ids.push(String(item.connectionId));
  return ids;
}

/** Counts a connection for its owner until it closes (or, failing a `$disconnect`, until `expiresAt`). */
export async function countConnection(ownerId: string, connectionId: string, expiresAt: number): Promise<void> {
  await dynamo.send(new PutCommand({ TableName: tableName, Item: { topic: ownerConnectionsTopic(ownerId), connectionId, ownerId, expiresAt } }));
}

/** Stops counting a connection that API Gateway no longer holds. */
export async function uncountConnection(ownerId: string, connectionId: string): Promise<void> {
  await dynamo.send(new DeleteCommand({ TableName: tableName, Key: { topic: ownerConnectionsTopic(ownerId), connectionId } }));
}
