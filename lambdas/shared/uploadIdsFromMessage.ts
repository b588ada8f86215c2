import type { S3Event } from 'aws-lambda';
import { uploadIdFromSourceKey } from './keys.js';
import { logger } from './logger.js';

/**
 * The uploads an SQS message's S3 event is about: each `ObjectCreated` record whose key is an
 * original (`uploads/{uploadId}/source`). S3 form-encodes event keys (space as `+`), so keys
 * are decoded before matching. S3's `s3:TestEvent` (sent when the notification is set up) and
 * keys of any other shape carry no work.
 */
export function uploadIdsFromMessage(body: string): string[] {
  let event: Partial<S3Event>;
  try {
    event = JSON.parse(body) as Partial<S3Event>;
  } catch {
    logger.warn('Ignoring a message that is not JSON', { body: body.slice(0, 200) });
    return [];
  }
  const ids: string[] = [];
  for (const record of Array.isArray(event.Records) ? event.Records : []) {
    if (typeof record?.eventName !== 'string' || !record.eventName.startsWith('ObjectCreated:')) continue;
    const rawKey = record.s3?.object?.key;
    if (typeof rawKey !== 'string') continue;
    const uploadId = uploadIdFromSourceKey(decodeEventKey(rawKey));
    if (uploadId === undefined) {
      logger.info('Ignoring an object that is not an original', { key: rawKey });
      continue;
    }
    if (!ids.includes(uploadId)) ids.push(uploadId);
  }
  return ids;
}

/** S3 event keys are URL-encoded with `+` for spaces. */
export function decodeEventKey(key: string): string {
  const spaced = key.replace(/\+/g, ' ');
  try {
    return decodeURIComponent(spaced);
  } catch {
    // A stray `%` S3 would have sent as `%25`: keep the key as it came.
    return spaced;
  }
}
