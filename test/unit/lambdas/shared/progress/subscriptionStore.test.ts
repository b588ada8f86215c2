import { DeleteCommand, DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it, vi } from 'vitest';

vi.hoisted(() => {
  process.env.CONNECTIONS_TABLE = 'connections-table';
});

import type { SubscriptionItem } from '../../../../../lambdas/shared/progress/subscriptionKeys.js';
import { deleteSubscriptionsOf, subscribersOf, topicsOf } from '../../../../../lambdas/shared/progress/subscriptionStore.js';

const dynamo = mockClient(DynamoDBDocumentClient);
const NOW = 1_740_830_400;

function subscription(connectionId: string, overrides: Partial<SubscriptionItem> = {}): SubscriptionItem {
  return { topic: 'upload#u1', connectionId, ownerId: 'owner-1', expiresAt: NOW + 7_800, tokenExpiresAt: NOW + 3_600, ...overrides };
}

describe('subscriptionStore', () => {
  beforeEach(() => {
    dynamo.reset();
  });

  it("finds a connection's topics through the byConnection index, every page of them", async () => {
    dynamo
      .on(QueryCommand)
      .resolvesOnce({ Items: [{ topic: 'upload#u1' }], LastEvaluatedKey: { topic: 'upload#u1', connectionId: 'c1' } })
      .resolvesOnce({ Items: [{ topic: 'owner#owner-1' }] });

    await expect(topicsOf('c1')).resolves.toEqual(['upload#u1', 'owner#owner-1']);
    expect(dynamo).toHaveReceivedNthCommandWith(QueryCommand, 1, {
      TableName: 'connections-table',
      IndexName: 'byConnection',
      KeyConditionExpression: '#connectionId = :connectionId',
      ExpressionAttributeValues: { ':connectionId': 'c1' },
    });
    expect(dynamo).toHaveReceivedNthCommandWith(QueryCommand, 2, { ExclusiveStartKey: { topic: 'upload#u1', connectionId: 'c1' } });
  });

  it('removes every subscription of a connection and says how many, and by key its counter and its place in the owner count', async () => {
    dynamo.on(QueryCommand).resolves({ Items: [{ topic: 'upload#u1' }, { topic: 'owner#owner-1' }, { topic: 'connection#c1' }] });
    dynamo.on(DeleteCommand).resolves({});

    await expect(deleteSubscriptionsOf('c1', 'owner-1')).resolves.toBe(2);
    expect(dynamo).toHaveReceivedCommandTimes(DeleteCommand, 4);
    // Written a moment ago, these may not show in the index yet: deleted by key.
    expect(dynamo).toHaveReceivedCommandWith(DeleteCommand, { Key: { topic: 'connection#c1', connectionId: 'c1' } });
    expect(dynamo).toHaveReceivedCommandWith(DeleteCommand, { Key: { topic: 'connections#owner-1', connectionId: 'c1' } });
    expect(dynamo).toHaveReceivedCommandWith(DeleteCommand, { TableName: 'connections-table', Key: { topic: 'upload#u1', connectionId: 'c1' } });
    expect(dynamo).toHaveReceivedCommandWith(DeleteCommand, { TableName: 'connections-table', Key: { topic: 'owner#owner-1', connectionId: 'c1' } });
  });

  it('lists the live subscribers of a topic across pages, leaving out the ones past their expiry that TTL has not removed yet', async () => {
    dynamo
      .on(QueryCommand)
      .resolvesOnce({ Items: [subscription('c1'), subscription('c2', { expiresAt: NOW - 1 })], LastEvaluatedKey: { topic: 'upload#u1', connectionId: 'c2' } })
      .resolvesOnce({ Items: [subscription('c3', { expiresAt: NOW }), subscription('c4')] });

    const subscribers = await subscribersOf('upload#u1', NOW);

    expect(subscribers.map((item) => item.connectionId)).toEqual(['c1', 'c4']);
    expect(dynamo).toHaveReceivedNthCommandWith(QueryCommand, 1, {
      TableName: 'connections-table',
      KeyConditionExpression: '#topic = :topic',
      ExpressionAttributeValues: { ':topic': 'upload#u1' },
    });
  });
});
