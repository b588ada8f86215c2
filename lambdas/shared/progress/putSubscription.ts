import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { connectionsTableName } from '../config.js';
import { dynamo } from '../dynamo.js';
import type { SubscriptionItem } from './subscriptionKeys.js';

const tableName = connectionsTableName();

/**
 * Keeps a subscription (again: subscribing twice to one topic is one subscription, with a fresh
 * expiry). Apart from subscriptionStore.ts so only the function that subscribes bundles a
 * PutCommand: test/infra/leastPrivilege.test.ts reads each bundled file's SDK calls, and the
 * publisher and $disconnect may not put subscriptions.
 */
export async function putSubscription(item: SubscriptionItem): Promise<void> {
  await dynamo.send(new PutCommand({ TableName: tableName, Item: item }));
}
