import { type PublicUpload, toPublicUpload, type UploadRecord, type UploadStatus } from '../uploadRecord.js';

/** The `source` of every event the pipeline puts on its bus. */
export const EVENT_SOURCE = 'media-pipeline';

/** The `detail-type` of the event a record's arrival in each state publishes. */
export const EVENT_DETAIL_TYPES = {
  initiated: 'Upload Created',
  uploaded: 'Upload Uploaded',
  processing: 'Upload Processing',
  ready: 'Upload Ready',
  failed: 'Upload Failed',
  cancelled: 'Upload Cancelled',
  expired: 'Upload Expired',
} as const satisfies Record<UploadStatus, string>;

export type UploadEventDetailType = (typeof EVENT_DETAIL_TYPES)[UploadStatus];

/** Every detail type, in the order of the state diagram. */
export const UPLOAD_EVENT_DETAIL_TYPES: readonly UploadEventDetailType[] = Object.values(EVENT_DETAIL_TYPES);

/** What a state change tells a bus rule or a webhook receiver. */
export interface UploadStateEventDetail {
  /**
   * The same for every copy of this state change (`<uploadId>.<status>`: an upload enters each
   * state at most once, since states never go back): delivery is at least once, so receivers
   * drop an id they have seen. Webhooks send it as `webhook-id`.
   */
  readonly eventId: string;
  /** The state the upload left; absent on `Upload Created`. */
  readonly previousStatus?: UploadStatus;
  /** The upload's owner (the JWT `sub` it was created with): whose upload this is, for the deployer's backend. */
  readonly ownerId: string;
  /**
   * The record as `GET /uploads/{id}` shows it to its owner, with nothing internal and no
   * secrets: media URLs are never signed here (under signed access a signed URL is a
   * credential, and buses and webhook logs keep what they carry).
   */
  readonly upload: PublicUpload;
}

/** One entry for the bus: what the publisher hands to PutEvents, and local mode's bus to its rules. */
export interface UploadStateEvent {
  readonly source: typeof EVENT_SOURCE;
  readonly detailType: UploadEventDetailType;
  /** When the state changed: the write's `updatedAt`. */
  readonly time: string;
  readonly detail: UploadStateEventDetail;
}

/**
 * The event of a record's write, when the write changed its state: a new record, or one whose
 * `previousStatus` (which every `transition` copies from the status it found) differs from its
 * `status`. Progress, byte counts and other writes within a state publish nothing.
 */
export function uploadStateEvent(record: UploadRecord): UploadStateEvent | undefined {
  if (record.previousStatus === record.status) return undefined;
  return {
    source: EVENT_SOURCE,
    detailType: EVENT_DETAIL_TYPES[record.status],
    time: record.updatedAt,
    detail: {
      eventId: `${record.uploadId}.${record.status}`,
      ...(record.previousStatus === undefined ? {} : { previousStatus: record.previousStatus }),
      ownerId: record.ownerId,
      upload: toPublicUpload(record),
    },
  };
}
