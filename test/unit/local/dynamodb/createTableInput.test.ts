import { describe, expect, it } from 'vitest';
import { createTableInput } from '../../../../local/dynamodb/createTableInput.js';
import { USAGE_TABLE_SCHEMA } from '../../../../lib/usageTableSchema.js';
import {
  BY_OWNER_INDEX,
  BY_PENDING_EXPIRY_INDEX,
  BY_PENDING_PROCESSING_INDEX,
  BY_PENDING_RETENTION_INDEX,
  BY_RUNNING_JOB_INDEX,
  BY_UNFINISHED_OWNER_INDEX,
  UPLOADS_TABLE_SCHEMA,
} from '../../../../lib/uploadsTableSchema.js';
import { CONNECTIONS_TABLE_SCHEMA } from '../../../../lib/connectionsTableSchema.js';

describe('createTableInput', () => {
  it('creates the Uploads table from the shared schema: key, every GSI, each attribute defined once', () => {
    expect(createTableInput('uploads', UPLOADS_TABLE_SCHEMA)).toEqual({
      TableName: 'uploads',
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [
        { AttributeName: 'uploadId', AttributeType: 'S' },
        { AttributeName: 'ownerId', AttributeType: 'S' },
        { AttributeName: 'createdAt', AttributeType: 'S' },
        { AttributeName: 'pendingExpiry', AttributeType: 'S' },
        { AttributeName: 'expiresAt', AttributeType: 'S' },
        { AttributeName: 'unfinishedOwner', AttributeType: 'S' },
        { AttributeName: 'pendingProcessing', AttributeType: 'S' },
        { AttributeName: 'updatedAt', AttributeType: 'S' },
        { AttributeName: 'runningJob', AttributeType: 'S' },
        { AttributeName: 'pendingRetention', AttributeType: 'S' },
      ],
      KeySchema: [{ AttributeName: 'uploadId', KeyType: 'HASH' }],
      GlobalSecondaryIndexes: [
        {
          IndexName: BY_OWNER_INDEX,
          KeySchema: [
            { AttributeName: 'ownerId', KeyType: 'HASH' },
            { AttributeName: 'createdAt', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        },
        {
          IndexName: BY_PENDING_EXPIRY_INDEX,
          KeySchema: [
            { AttributeName: 'pendingExpiry', KeyType: 'HASH' },
            { AttributeName: 'expiresAt', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        },
        {
          IndexName: BY_UNFINISHED_OWNER_INDEX,
          KeySchema: [
            { AttributeName: 'unfinishedOwner', KeyType: 'HASH' },
            { AttributeName: 'createdAt', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        },
        {
          IndexName: BY_PENDING_PROCESSING_INDEX,
          KeySchema: [
            { AttributeName: 'pendingProcessing', KeyType: 'HASH' },
            { AttributeName: 'updatedAt', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        },
        {
          IndexName: BY_RUNNING_JOB_INDEX,
          KeySchema: [
            { AttributeName: 'runningJob', KeyType: 'HASH' },
            { AttributeName: 'updatedAt', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        },
        {
          IndexName: BY_PENDING_RETENTION_INDEX,
          KeySchema: [
            { AttributeName: 'pendingRetention', KeyType: 'HASH' },
            { AttributeName: 'updatedAt', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        },
      ],
    });
  });

  it('creates the Connections table with its partition and sort key and the index by connection', () => {
    expect(createTableInput('connections', CONNECTIONS_TABLE_SCHEMA)).toMatchObject({
      KeySchema: [
        { AttributeName: 'topic', KeyType: 'HASH' },
        { AttributeName: 'connectionId', KeyType: 'RANGE' },
      ],
      AttributeDefinitions: [
        { AttributeName: 'topic', AttributeType: 'S' },
        { AttributeName: 'connectionId', AttributeType: 'S' },
      ],
      GlobalSecondaryIndexes: [expect.objectContaining({ IndexName: 'byConnection' })],
    });
  });

  it('creates the Usage table with its key and no index list, which DynamoDB would refuse empty', () => {
    expect(createTableInput('usage', USAGE_TABLE_SCHEMA)).toEqual({
      TableName: 'usage',
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [{ AttributeName: 'ownerId', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'ownerId', KeyType: 'HASH' }],
    });
  });
});
