import type { S3Event } from 'aws-lambda';
import { uploadIdFromSourceKey } from './keys.js';
import { logger } from './logger.js';
import { SCAN_RESULT_DETAIL_TYPE, SCAN_RESULT_SOURCE, type ScanResultEvent } from './malwareScanResult.js';

/** One upload a process-queue message is about. */
export interface UploadEvent {
  readonly uploadId: string;
  /**
   * The malware scan's `scanResultStatus` when the message is GuardDuty's scan result for the
   * original; absent for S3's `ObjectCreated` (and the sweep's re-sends in its shape).
   */
  readonly scanStatus?: string;
}

/** The upload ids of `uploadEventsFromMessage`. */
export function uploadIdsFromMessage(body: string): string[] {
  return uploadEventsFromMessage(body).map((event) => event.uploadId);
}

/**
 * The uploads an SQS message of the process queue is about: each S3 `ObjectCreated` record
 * whose key is an original (`uploads/{uploadId}/source`), or GuardDuty's scan result for an
 * original (with the malware scan on, EventBridge sends it to the same queue). S3 form-encodes
 * event keys (space as `+`), so those are decoded before matching. S3's `s3:TestEvent` (sent
 * when the notification is set up) and keys of any other shape carry no work.
 */
export function uploadEventsFromMessage(body: string): UploadEvent[] {
  let message: Partial<S3Event> & Partial<ScanResultEvent>;
  try {
    message = JSON.parse(body) as Partial<S3Event> & Partial<ScanResultEvent>;
  } catch {
    logger.warn('Ignoring a message that is not JSON', { body: body.slice(0, 200) });
    return [];
  }
  if (message?.source === SCAN_RESULT_SOURCE && message['detail-type'] === SCAN_RESULT_DETAIL_TYPE) return scanResultEvents(message);
  const events: UploadEvent[] = [];
  for (const record of Array.isArray(message?.Records) ? message.Records : []) {
    if (typeof record?.eventName !== 'string' || !record.eventName.startsWith('ObjectCreated:')) continue;
    const rawKey = record.s3?.object?.key;
    if (typeof rawKey !== 'string') continue;
    const uploadId = originalOf(decodeEventKey(rawKey), rawKey);
    if (uploadId !== undefined && !events.some((event) => event.uploadId === uploadId)) events.push({ uploadId });
  }
  return events;
}

function scanResultEvents(message: Partial<ScanResultEvent>): UploadEvent[] {
  const key = message.detail?.s3ObjectDetails?.objectKey;
  const scanStatus = message.detail?.scanResultDetails?.scanResultStatus;
  if (typeof key !== 'string' || typeof scanStatus !== 'string') {
    logger.warn('Ignoring a scan result without an object key or a result status', { detail: message.detail });
    return [];
  }
  const uploadId = originalOf(key, key);
  return uploadId === undefined ? [] : [{ uploadId, scanStatus }];
}

function originalOf(key: string, rawKey: string): string | undefined {
  const uploadId = uploadIdFromSourceKey(key);
  if (uploadId === undefined) logger.info('Ignoring an object that is not an original', { key: rawKey });
  return uploadId;
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
