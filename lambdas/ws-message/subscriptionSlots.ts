import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { connectionsTableName } from '../shared/config.js';
import { dynamo } from '../shared/dynamo.js';
import { MAX_SUBSCRIPTIONS_PER_CONNECTION } from '../shared/progress/protocol.js';

const tableName = connectionsTableName();

/**
 * Each connection's count of subscriptions, kept in the Connections table beside them (topic
 * `connection#<id>`, a topic no publisher reads) so that `$disconnect` removes it with them.
 * The count is taken with one conditional update, so subscribes sent at once cannot pass the
 * limit between a count and a write. Two subscribes of one new topic at once count twice (the
 * slot is given back only when the subscription is): the limit errs on the safe side.
 */
function counterKey(connectionId: string) {
  return { topic: `connection#${connectionId}`, connectionId };
}

/** True when the connection already holds this subscription (subscribing again takes no slot). */
export async function holdsSubscription(topic: string, connectionId: string): Promise<boolean> {
  const { Item } = await dynamo.send(new GetCommand({ TableName: tableName, Key: { topic, connectionId }, ProjectionExpression: 'topic' }));
  return Item !== undefined;
}

/** Takes one of the connection's slots; false when all are taken. */
export async function takeSubscriptionSlot(connectionId: string, ownerId: string, expiresAt: number): Promise<boolean> {
  try {
    await dynamo.send(
      new UpdateCommand({
        TableName: tableName,
        Key: counterKey(connectionId),
        UpdateExpression: 'SET #owner = :owner, #expiresAt = :expiresAt ADD #count :one',
        ConditionExpression: 'attribute_not_exists(#count) OR #count < :max',
        ExpressionAttributeNames: { '#owner': 'ownerId', '#expiresAt': 'expiresAt', '#count': 'subscriptions' },
        ExpressionAttributeValues: { ':owner': ownerId, ':expiresAt': expiresAt, ':one': 1, ':max': MAX_SUBSCRIPTIONS_PER_CONNECTION },
      }),
    );
    return true;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return false;
    throw error;
  }
}

/** Ends a subscription and gives its slot back, only if it existed (unsubscribing twice gives back once). */
export async function endSubscription(topic: string, connectionId: string): Promise<void> {
  const { Attributes } = await dynamo.send(new DeleteCommand({ TableName: tableName, Key: { topic, connectionId }, ReturnValues: 'ALL_OLD' }));
  if (!Attributes) return;
  try {
    await dynamo.send(
      new UpdateCommand({
        TableName: tableName,
        Key: counterKey(connectionId),
        UpdateExpression: 'ADD #count :minusOne',
        ConditionExpression: '#count > :zero',
        ExpressionAttributeNames: { '#count': 'subscriptions' },
        ExpressionAttributeValues: { ':minusOne': -1, ':zero': 0 },
      }),
    );
  } catch (error) {
    if (!(error instanceof ConditionalCheckFailedException)) throw error;
  }
}
