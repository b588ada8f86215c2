import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { connectionsTableName } from '../shared/config.js';
import { dynamo } from '../shared/dynamo.js';
import { MAX_SUBSCRIPTIONS_PER_CONNECTION } from '../../client/protocol.js';
import { type SubscriptionItem, subscriptionCounterTopic } from '../shared/progress/subscriptionKeys.js';

const tableName = connectionsTableName();

/**
 * A connection's subscriptions and their count. The count sits in the Connections table beside
 * them (topic `connection#<id>`, a topic no publisher reads) so that `$disconnect` removes it with
 * them. The subscription item itself says whether it exists (conditional writes, never a read
 * before a write), and a slot is taken only for a subscription this call creates and given back
 * when it is not created, so messages handled at once cannot pass the limit nor leak slots.
 */
function counterKey(connectionId: string) {
  return { topic: subscriptionCounterTopic(connectionId), connectionId };
}

export type SubscribeOutcome = 'renewed' | 'created' | 'full';

export async function keepSubscription(item: SubscriptionItem): Promise<SubscribeOutcome> {
  if (await renew(item)) return 'renewed';
  if (!(await takeSlot(item))) return 'full';
  let created: boolean;
  try {
    created = await create(item);
  } catch (error) {
    await giveSlotBack(item.connectionId);
    throw error;
  }
  if (created) return 'created';
  // Another message of this connection created it meanwhile: it took its own slot.
  await giveSlotBack(item.connectionId);
  return 'renewed';
}

/** Ends a subscription and gives its slot back, only if it existed (unsubscribing twice gives back once). */
export async function endSubscription(topic: string, connectionId: string): Promise<void> {
  const { Attributes } = await dynamo.send(new DeleteCommand({ TableName: tableName, Key: { topic, connectionId }, ReturnValues: 'ALL_OLD' }));
  if (Attributes) await giveSlotBack(connectionId);
}

/** A subscription the connection holds already gets a fresh expiry and token expiry; false when there is none. */
async function renew(item: SubscriptionItem): Promise<boolean> {
  return conditionHeld(
    dynamo.send(
      new UpdateCommand({
        TableName: tableName,
        Key: { topic: item.topic, connectionId: item.connectionId },
        UpdateExpression: 'SET #expiresAt = :expiresAt, #tokenExpiresAt = :tokenExpiresAt',
        ConditionExpression: 'attribute_exists(#topic) AND #owner = :owner',
        ExpressionAttributeNames: { '#expiresAt': 'expiresAt', '#tokenExpiresAt': 'tokenExpiresAt', '#topic': 'topic', '#owner': 'ownerId' },
        ExpressionAttributeValues: { ':expiresAt': item.expiresAt, ':tokenExpiresAt': item.tokenExpiresAt, ':owner': item.ownerId },
      }),
    ),
  );
}

async function takeSlot(item: SubscriptionItem): Promise<boolean> {
  return conditionHeld(
    dynamo.send(
      new UpdateCommand({
        TableName: tableName,
        Key: counterKey(item.connectionId),
        UpdateExpression: 'SET #owner = :owner, #expiresAt = :expiresAt ADD #count :one',
        ConditionExpression: 'attribute_not_exists(#count) OR #count < :max',
        ExpressionAttributeNames: { '#owner': 'ownerId', '#expiresAt': 'expiresAt', '#count': 'subscriptions' },
        ExpressionAttributeValues: { ':owner': item.ownerId, ':expiresAt': item.expiresAt, ':one': 1, ':max': MAX_SUBSCRIPTIONS_PER_CONNECTION },
      }),
    ),
  );
}

async function create(item: SubscriptionItem): Promise<boolean> {
  return conditionHeld(
    dynamo.send(
      new PutCommand({
        TableName: tableName,
        Item: item,
        ConditionExpression: 'attribute_not_exists(#topic)',
        ExpressionAttributeNames: { '#topic': 'topic' },
      }),
    ),
  );
}

async function giveSlotBack(connectionId: string): Promise<void> {
  await conditionHeld(
    dynamo.send(
      new UpdateCommand({
        TableName: tableName,
        Key: counterKey(connectionId),
        UpdateExpression: 'ADD #count :minusOne',
        ConditionExpression: '#count > :zero',
        ExpressionAttributeNames: { '#count': 'subscriptions' },
        ExpressionAttributeValues: { ':minusOne': -1, ':zero': 0 },
      }),
    ),
  );
}

/** True when the conditional write happened, false when its condition did not hold; other failures throw. */
async function conditionHeld(write: Promise<unknown>): Promise<boolean> {
  try {
    await write;
    return true;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return false;
    throw error;
  }
}
