import type { ServerMessage } from '../../client/protocol.js';
import { ownerTopic, uploadTopic } from '../shared/progress/subscriptionKeys.js';
import { endSubscription } from './subscriptionSlots.js';
import { isUploadId } from '../shared/validation/uploadId.js';
import type { ConnectionIdentity } from './connectionIdentity.js';

/** Ends one subscription of the connection (no id: to all of the owner's uploads). Unsubscribing twice is fine. */
export async function unsubscribe(identity: ConnectionIdentity, uploadId: string | undefined): Promise<ServerMessage[]> {
  // A malformed id names no subscription; its echo is cut, since it may be as long as a client message.
  const echoed = uploadId?.slice(0, 64);
  if (uploadId !== undefined && !isUploadId(uploadId)) return [{ type: 'unsubscribed', uploadId: echoed }];
  await endSubscription(uploadId === undefined ? ownerTopic(identity.ownerId) : uploadTopic(uploadId), identity.connectionId);
  return [{ type: 'unsubscribed', ...(uploadId === undefined ? {} : { uploadId }) }];
}
