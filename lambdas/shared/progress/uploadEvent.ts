import type { UploadRecord, UploadStatus } from '../uploadRecord.js';
import type { UploadEvent, UploadEventType } from '../../../client/protocol.js';

/**
 * An error message's longest form in an event: processing messages can quote a tool's output,
 * and every event must stay far below API Gateway's 32 KB frame.
 */
export const MAX_EVENT_ERROR_MESSAGE_CHARACTERS = 1_000;

const EVENT_TYPES: Readonly<Record<UploadStatus, UploadEventType>> = {
  initiated: 'progress',
  uploaded: 'progress',
  processing: 'progress',
  ready: 'complete',
  failed: 'error',
  cancelled: 'error',
  expired: 'error',
};

/** What subscribers of an upload hear after a write of its record: its whole public state, never a diff. */
export function uploadEvent(record: UploadRecord): UploadEvent {
  // `created` is the record as first written; the uploader's byte reports are its only later writes in `initiated`.
  const type = record.status === 'initiated' && record.bytesSent === undefined ? 'created' : EVENT_TYPES[record.status];
  const bytesSent = record.status === 'initiated' ? (record.bytesSent ?? 0) : record.status === 'uploaded' || record.status === 'processing' || record.status === 'ready' ? record.size : undefined;
  return {
    type,
    uploadId: record.uploadId,
    seq: record.seq ?? 0,
    status: record.status,
    ...(record.progress === undefined ? {} : { progress: record.progress }),
    ...(record.stage === undefined ? {} : { stage: record.stage }),
    ...(bytesSent === undefined ? {} : { bytesSent }),
    totalBytes: record.size,
    filename: record.filename,
    ...(record.media === undefined ? {} : { media: record.media }),
    ...(record.error === undefined
      ? {}
      : { error: { code: record.error.code, message: cutMessage(record.error.message) } }),
    at: record.updatedAt,
  };
}

/** The message's first characters; a cut inside a surrogate pair would leave half a character (ill-formed text), so it goes before the pair. */
function cutMessage(message: string): string {
  if (message.length <= MAX_EVENT_ERROR_MESSAGE_CHARACTERS) return message;
  const last = message.charCodeAt(MAX_EVENT_ERROR_MESSAGE_CHARACTERS - 1);
  const end = last >= 0xd800 && last <= 0xdbff ? MAX_EVENT_ERROR_MESSAGE_CHARACTERS - 1 : MAX_EVENT_ERROR_MESSAGE_CHARACTERS;
  return message.slice(0, end);
}
