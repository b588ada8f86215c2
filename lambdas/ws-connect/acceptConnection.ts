import type { APIGatewayProxyResult } from 'aws-lambda';
import { PROGRESS_PROTOCOL } from '../shared/progress/protocol.js';

/**
 * `$connect`, after the authorizer let the connection in: answers with `media-pipeline.v1` as
 * the chosen subprotocol, and only that (a browser drops a socket whose server picks a protocol
 * it did not offer, and the `bearer.<JWT>` one must never be echoed into logs or proxies).
 * Nothing is stored: subscriptions are made by messages.
 */
export function acceptConnection(): APIGatewayProxyResult {
  return { statusCode: 200, headers: { 'Sec-WebSocket-Protocol': PROGRESS_PROTOCOL }, body: '' };
}
