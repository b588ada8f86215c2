import { findUploadRecord } from '../shared/getUploadRecord.js';
import {
  MAX_SUBSCRIPTIONS_PER_CONNECTION,
  type ServerMessage,
  WEBSOCKET_LIMITS,
} from '../../client/protocol.js';
import { ownerTopic, uploadTopic } from '../shared/progress/subscriptionKeys.js';
import { withMediaAccess } from '../shared/mediaAccess/mediaSigner.js';
import { uploadEvent } from '../shared/progress/uploadEvent.js';
import { isUploadId } from '../shared/validation/uploadId.js';
import type { ConnectionIdentity } from './connectionIdentity.js';
import { keepSubscription } from './subscriptionSlots.js';
import { unfinishedUploads } from './unfinishedUploads.js';

/** A subscription outlives API Gateway's connection limit by this much, then the TTL removes it. */
const SUBSCRIPTION_MARGIN_SECONDS = 10 * 60;

/**
 * Subscribes a connection to one upload of its owner, or to all of them (no id), and answers
 * with the current state, then `subscribed`. The state is read after the subscription is
 * stored: a write before the read is in the answer, a write after it is posted by the
 * publisher, so nothing falls between (a write can arrive both ways; `seq` drops the repeat).
 * Refusals store nothing: another owner's or an unknown upload is NOT_FOUND, as over HTTP.
 */
export async function subscribe(identity: ConnectionIdentity, uploadId: string | undefined, now: Date): Promise<ServerMessage[]> {
  const topic = uploadId === undefined ? ownerTopic(identity.ownerId) : uploadTopic(uploadId);
  if (uploadId !== undefined && !(await isOwnUpload(uploadId, identity.ownerId))) return [notFound(uploadId)];

  const connectedSeconds = Math.floor((identity.connectedAt ?? now.getTime()) / 1000);
  // The connection ends at its 2-hour limit whenever it subscribed.
  const expiresAt = connectedSeconds + WEBSOCKET_LIMITS.maxConnectionSeconds + SUBSCRIPTION_MARGIN_SECONDS;
  const kept = await keepSubscription({
    topic,
    connectionId: identity.connectionId,
    ownerId: identity.ownerId,
    expiresAt,
    tokenExpiresAt: identity.tokenExpiresAt,
  });
  if (kept === 'full') {
    return [
      {
        type: 'error',
        action: 'subscribe',
        ...(uploadId === undefined ? {} : { uploadId }),
        error: { code: 'TOO_MANY_SUBSCRIPTIONS', message: `A connection may hold at most ${MAX_SUBSCRIPTIONS_PER_CONNECTION} subscriptions` },
      },
    ];
  }

  if (uploadId === undefined) {
    const records = await unfinishedUploads(identity.ownerId);
    const granted = await Promise.all(records.map((record) => withMediaAccess(record)));
    return [...granted.map(uploadEvent), { type: 'subscribed' }];
  }
  const record = await findUploadRecord(uploadId);
  // Deleted between the check and now: the subscription stays harmless until the connection ends.
  if (!record) return [notFound(uploadId)];
  return [uploadEvent(await withMediaAccess(record)), { type: 'subscribed', uploadId }];
}

async function isOwnUpload(uploadId: string, ownerId: string): Promise<boolean> {
  if (!isUploadId(uploadId)) return false;
  return (await findUploadRecord(uploadId))?.ownerId === ownerId;
}

function notFound(uploadId: string): ServerMessage {
  // A malformed id may be as long as a client message: the refusal quotes its start only.
  const quoted = uploadId.slice(0, 64);
  return { type: 'error', action: 'subscribe', uploadId: quoted, error: { code: 'NOT_FOUND', message: `Upload ${JSON.stringify(quoted)} was not found` } };
}
