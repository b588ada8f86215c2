import middy from '@middy/core';
import type { APIGatewayProxyResult, Context } from 'aws-lambda';
import { maxConnectionsPerUser } from '../shared/config.js';
import { acceptConnection } from './acceptConnection.js';

const maxConnections = maxConnectionsPerUser();

interface ConnectEvent {
  readonly requestContext: {
    readonly connectionId: string;
    readonly connectedAt?: number;
    readonly authorizer?: Readonly<Record<string, unknown>>;
  };
}

export const handler = middy<ConnectEvent, APIGatewayProxyResult, Error, Context>().handler(async (event) => {
  const { connectionId, connectedAt, authorizer } = event.requestContext;
  const ownerId = authorizer?.ownerId ?? authorizer?.principalId;
  if (typeof ownerId !== 'string' || ownerId === '') {
    throw new Error('$connect carries no authorizer context: is the authorizer attached to $connect?');
  }
  return acceptConnection({ connectionId, ownerId, connectedAt: connectedAt ?? Date.now() }, maxConnections);
});
