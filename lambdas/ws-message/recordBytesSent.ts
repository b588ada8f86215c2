import { InvalidStateError, NotFoundError } from '../shared/errors.js';
import { findUploadRecord } from '../shared/getUploadRecord.js';
import { BYTES_SENT_SERVER_INTERVAL_MS, type ServerMessage } from '../../client/protocol.js';
import { transition } from '../shared/transition.js';
import { describeValue } from '../shared/validation/describeValue.js';
import { isUploadId } from '../shared/validation/uploadId.js';
import type { ConnectionIdentity } from './connectionIdentity.js';

/**
 * The uploader's own count of bytes sent (S3 says nothing until `complete`). Kept through
 * `transition` (so it gets a `seq` and reaches every subscriber) when the upload is the
 * caller's, still `initiated`, the count an integer in 0..size, higher than the last kept one,
 * and the last one at least a second old. A count that is late (lower, too soon, or the upload
 * moved on) is dropped without an answer; one that is wrong is refused. `complete` still checks
 * the size S3 holds: this is a progress hint, never the truth.
 */
export async function recordBytesSent(identity: ConnectionIdentity, uploadId: string, bytesSent: unknown, now: Date): Promise<ServerMessage[]> {
  if (!isUploadId(uploadId)) return [notFound(uploadId)];
  if (typeof bytesSent !== 'number' || !Number.isSafeInteger(bytesSent) || bytesSent < 0) {
    return [invalid(uploadId, `bytesSent must be a whole number of bytes, got ${describeValue(bytesSent)}`)];
  }
  const record = await findUploadRecord(uploadId);
  if (!record || record.ownerId !== identity.ownerId) return [notFound(uploadId)];
  if (bytesSent > record.size) return [invalid(uploadId, `bytesSent ${bytesSent} is more than the upload's ${record.size} bytes`)];
  if (record.status !== 'initiated') return [];
  if (record.bytesSent !== undefined && bytesSent <= record.bytesSent) return [];
  if (record.bytesSent !== undefined && now.getTime() - Date.parse(record.updatedAt) < BYTES_SENT_SERVER_INTERVAL_MS) return [];

  try {
    // Only over the write this decision was made from: a complete or cancel since then wins.
    await transition(uploadId, 'initiated', 'initiated', { bytesSent }, { ownerId: identity.ownerId, ifWriteId: record.writeId, now });
  } catch (error) {
    if (error instanceof InvalidStateError || error instanceof NotFoundError) return [];
    throw error;
  }
  return [];
}

function invalid(uploadId: string, message: string): ServerMessage {
  return { type: 'error', action: 'progress', uploadId, error: { code: 'INVALID_PROGRESS', message } };
}

function notFound(uploadId: string): ServerMessage {
  return { type: 'error', action: 'progress', uploadId: uploadId.slice(0, 64), error: { code: 'NOT_FOUND', message: `Upload ${JSON.stringify(uploadId.slice(0, 64))} was not found` } };
}
