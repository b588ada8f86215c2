import middy from '@middy/core';
import type { APIGatewayProxyResult, APIGatewayProxyWebsocketEventV2, Context } from 'aws-lambda';
import { dropConnection } from './dropConnection.js';

type DisconnectEvent = APIGatewayProxyWebsocketEventV2 & {
  readonly requestContext: APIGatewayProxyWebsocketEventV2['requestContext'] & { readonly authorizer?: Readonly<Record<string, unknown>> };
};

export const handler = middy<DisconnectEvent, APIGatewayProxyResult, Error, Context>().handler(async (event) => {
  const { connectionId, authorizer } = event.requestContext;
  const ownerId = authorizer?.ownerId ?? authorizer?.principalId;
  await dropConnection(connectionId, typeof ownerId === 'string' && ownerId !== '' ? ownerId : undefined);
  return { statusCode: 200, body: '' };
});
