import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import type { TableSchema } from '../../lib/uploadsTableSchema.js';

/**
 * The CreateTable request for a table schema: on-demand, every index projecting all attributes.
 * A table without indexes sends no index list (DynamoDB refuses an empty one).
 */
export function createTableInput(tableName: string, schema: TableSchema): CreateTableCommandInput {
  const attributes = new Map<string, 'S' | 'N'>([[schema.partitionKey.name, schema.partitionKey.type]]);
  if (schema.sortKey) attributes.set(schema.sortKey.name, schema.sortKey.type);
  for (const index of schema.globalSecondaryIndexes) {
    attributes.set(index.partitionKey.name, index.partitionKey.type);
    attributes.set(index.sortKey.name, index.sortKey.type);
  }
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [...attributes].map(([AttributeName, AttributeType]) => ({ AttributeName, AttributeType })),
    KeySchema: [
      { AttributeName: schema.partitionKey.name, KeyType: 'HASH' },
      ...(schema.sortKey ? [{ AttributeName: schema.sortKey.name, KeyType: 'RANGE' as const }] : []),
    ],
    ...(schema.globalSecondaryIndexes.length === 0 ? {} : { GlobalSecondaryIndexes: globalSecondaryIndexes(schema) }),
  };
}

function globalSecondaryIndexes(schema: TableSchema): CreateTableCommandInput['GlobalSecondaryIndexes'] {
  return schema.globalSecondaryIndexes.map((index) => ({
    IndexName: index.indexName,
    KeySchema: [
      { AttributeName: index.partitionKey.name, KeyType: 'HASH' },
      { AttributeName: index.sortKey.name, KeyType: 'RANGE' },
    ],
    Projection: { ProjectionType: 'ALL' },
  }));
}
