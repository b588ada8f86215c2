import { DeleteCommand, type DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { AwsClientStub } from 'aws-sdk-client-mock';
import type { SubscriptionItem } from '../../../lambdas/shared/progress/subscriptionKeys.js';

interface QueryInput {
  readonly IndexName?: string;
  readonly ExpressionAttributeValues: Record<string, string>;
}

/**
 * Serves the Connections table's queries (by topic, and by connection through the index) and
 * deletes from `items`, which the test owns: what is left in it after a call is the table.
 */
export function serveConnectionsTable(dynamo: AwsClientStub<DynamoDBDocumentClient>, items: SubscriptionItem[]): void {
  dynamo.on(QueryCommand, { TableName: 'connections-table' }).callsFake(async (input: QueryInput) => {
    const values = input.ExpressionAttributeValues;
    if (input.IndexName === 'byConnection') {
      return { Items: items.filter((item) => item.connectionId === values[':connectionId']).map(({ topic }) => ({ topic })) };
    }
    return { Items: items.filter((item) => item.topic === values[':topic']) };
  });
  dynamo.on(DeleteCommand, { TableName: 'connections-table' }).callsFake(async (input: { Key: { topic: string; connectionId: string } }) => {
    const index = items.findIndex((item) => item.topic === input.Key.topic && item.connectionId === input.Key.connectionId);
    if (index >= 0) items.splice(index, 1);
    return {};
  });
}
