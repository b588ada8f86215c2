import type { ServerMessage } from '../../client/protocol.js';
import type { ConnectionIdentity } from './connectionIdentity.js';
import { parseClientMessage } from './parseClientMessage.js';
import { recordBytesSent } from './recordBytesSent.js';
import { subscribe } from './subscribe.js';
import { unsubscribe } from './unsubscribe.js';

export interface MessageOutcome {
  /** Posted back to the connection, in order. */
  readonly replies: readonly ServerMessage[];
  /** Close the connection after the replies (its token expired). */
  readonly close: boolean;
}

/**
 * One message of a client: checks the connection's token is still good (a connection outlives
 * an hour's token otherwise), then does what the action asks. A refusal writes nothing.
 */
export async function handleClientMessage(identity: ConnectionIdentity, body: string | undefined, now: Date = new Date()): Promise<MessageOutcome> {
  if (identity.tokenExpiresAt <= Math.floor(now.getTime() / 1000)) {
    return {
      replies: [{ type: 'error', error: { code: 'TOKEN_EXPIRED', message: 'The connection token has expired; connect again with a fresh one' } }],
      close: true,
    };
  }
  const parsed = parseClientMessage(body);
  if (!parsed.ok) return { replies: [parsed.refusal], close: false };
  const message = parsed.message;
  switch (message.action) {
    case 'subscribe':
      return { replies: await subscribe(identity, message.uploadId, now), close: false };
    case 'unsubscribe':
      return { replies: await unsubscribe(identity, message.uploadId), close: false };
    case 'progress':
      return { replies: await recordBytesSent(identity, message.uploadId, message.bytesSent, now), close: false };
    case 'ping':
      return { replies: [{ type: 'pong' }], close: false };
  }
}
