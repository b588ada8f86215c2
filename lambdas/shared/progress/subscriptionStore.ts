import { DeleteCommand, paginateQuery } from '@aws-sdk/lib-dynamodb';
import { connectionsTableName } from '../config.js';
import { dynamo } from '../dynamo.js';
import { BY_CONNECTION_INDEX, ownerConnectionsTopic, type SubscriptionItem, subscriptionCounterTopic } from './subscriptionKeys.js';

const tableName = connectionsTableName();

export async function deleteSubscription(topic: string, connectionId: string): Promise<void> {
  await dynamo.send(new DeleteCommand({ TableName: tableName, Key: { topic, connectionId } }));
}

/** The topics a connection listens to (at most the per-connection limit, so one page). */
export async function topicsOf(connectionId: string): Promise<string[]> {
  const topics: string[] = [];
  const pages = paginateQuery(
    { client: dynamo },
    {
      TableName: tableName,
      IndexName: BY_CONNECTION_INDEX,
      KeyConditionExpression: '#connectionId = :connectionId',
      ExpressionAttributeNames: { '#connectionId': 'connectionId', '#topic': 'topic' },
      ExpressionAttributeValues: { ':connectionId': connectionId },
      ProjectionExpression: '#topic',
    },
  );
  for await (const page of pages) for (const item of page.Items ?? []) topics.push(String(item.topic));
  return topics;
}

/**
 * Removes everything of a connection that closed or that a post found gone: its subscriptions
 * (found through the `byConnection` index), and by key its subscription counter and, knowing
 * its owner, its place in the owner's connection count. The index is eventually consistent and
 * may not show items written a moment ago; the keyed deletes do not depend on it, so a
 * connection that closes right after `$connect` still stops counting against its owner.
 * Returns how many subscriptions were removed.
 */
export async function deleteSubscriptionsOf(connectionId: string, ownerId?: string): Promise<number> {
  const bookkeeping = [subscriptionCounterTopic(connectionId), ...(ownerId === undefined ? [] : [ownerConnectionsTopic(ownerId)])];
  const topics = await topicsOf(connectionId);
  await Promise.all([...new Set([...topics, ...bookkeeping])].map((topic) => deleteSubscription(topic, connectionId)));
  return topics.filter((topic) => topic.startsWith('upload#') || topic.startsWith('owner#')).length;
}

/**
 * Every live subscription of a topic. Expired ones are left out here rather than trusted to
 * DynamoDB's TTL, which removes items up to days late.
 */
export async function subscribersOf(topic: string, nowSeconds: number): Promise<SubscriptionItem[]> {
  const items: SubscriptionItem[] = [];
  const pages = paginateQuery(
    { client: dynamo },
    {
      TableName: tableName,
      KeyConditionExpression: '#topic = :topic',
      ExpressionAttributeNames: { '#topic': 'topic' },
      ExpressionAttributeValues: { ':topic': topic },
    },
  );
  for await (const page of pages) {
    for (const item of (page.Items ?? []) as SubscriptionItem[]) if (item.expiresAt > nowSeconds) items.push(item);
  }
  return items;
}
