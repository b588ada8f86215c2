import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it, vi } from 'vitest';

vi.hoisted(() => {
  process.env.CONNECTIONS_TABLE = 'connections-table';
});

import { putSubscription } from '../../../../../lambdas/shared/progress/putSubscription.js';
import type { SubscriptionItem } from '../../../../../lambdas/shared/progress/subscriptionKeys.js';

const dynamo = mockClient(DynamoDBDocumentClient);
const NOW = 1_740_830_400;
const subscription: SubscriptionItem = {
  topic: 'upload#u1',
  connectionId: 'c1',
  ownerId: 'owner-1',
  expiresAt: NOW + 7_800,
  tokenExpiresAt: NOW + 3_600,
};

describe('putSubscription', () => {
  beforeEach(() => {
    dynamo.reset();
  });

  it('keeps a subscription as one item keyed by topic and connection', async () => {
    dynamo.on(PutCommand).resolves({});

    await putSubscription(subscription);

    expect(dynamo).toHaveReceivedCommandExactlyOnceWith(PutCommand, { TableName: 'connections-table', Item: subscription });
  });
});
