import middy from '@middy/core';
import type { APIGatewayProxyResult, APIGatewayProxyWebsocketEventV2, Context } from 'aws-lambda';
import { logger } from '../shared/logger.js';
import { closeConnection, postToConnection } from '../shared/progress/connectionPoster.js';
import { connectionIdentity } from './connectionIdentity.js';
import { handleClientMessage, type MessageOutcome } from './handleClientMessage.js';
import { parseClientMessage } from './parseClientMessage.js';

type MessageEvent = APIGatewayProxyWebsocketEventV2 & {
  readonly requestContext: APIGatewayProxyWebsocketEventV2['requestContext'] & { readonly authorizer?: Readonly<Record<string, unknown>> };
};

/**
 * `$default`: every client message. Replies go back through the management API (so they are
 * ordinary messages, like the publisher's); a fault answers INTERNAL_ERROR without its details.
 */
export const handler = middy<MessageEvent, APIGatewayProxyResult, Error, Context>().handler(async (event) => {
  const { connectionId } = event.requestContext;
  const identity = connectionIdentity(connectionId, event.requestContext.authorizer, event.requestContext.connectedAt);
  let outcome: MessageOutcome;
  try {
    outcome = await handleClientMessage(identity, event.body);
  } catch (error) {
    logger.error('A client message failed', { connectionId, error: error as Error });
    // Naming the request lets a client waiting for its answer (a subscribe) stop waiting and retry.
    const request = parseClientMessage(event.body);
    const about = request.ok ? { action: request.message.action, ...('uploadId' in request.message && request.message.uploadId !== undefined ? { uploadId: request.message.uploadId.slice(0, 64) } : {}) } : {};
    outcome = { replies: [{ type: 'error', ...about, error: { code: 'INTERNAL_ERROR', message: 'The message could not be handled; try again' } }], close: false };
  }
  for (const reply of outcome.replies) {
    if ((await postToConnection(connectionId, reply)) === 'gone') break;
  }
  if (outcome.close) await closeConnection(connectionId);
  return { statusCode: 200, body: '' };
});
