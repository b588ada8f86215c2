import middy from '@middy/core';
import type { APIGatewayProxyResult, APIGatewayProxyWebsocketEventV2, Context } from 'aws-lambda';
import { dropConnection } from './dropConnection.js';

export const handler = middy<APIGatewayProxyWebsocketEventV2, APIGatewayProxyResult, Error, Context>().handler(async (event) => {
  await dropConnection(event.requestContext.connectionId);
  return { statusCode: 200, body: '' };
});
