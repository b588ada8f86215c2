import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { dynamoDbEndpoint } from './config.js';

const localEndpoint = dynamoDbEndpoint();

/** The DynamoDB document client, created once per container (the emulator's in local mode). */
export const dynamo = DynamoDBDocumentClient.from(new DynamoDBClient(localEndpoint ? { endpoint: localEndpoint } : {}), {
  marshallOptions: { removeUndefinedValues: true },
});
