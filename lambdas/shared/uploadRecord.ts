import type {
  ChecksumAlgorithm,
  MediaInfo,
  ObjectChecksum,
  ProcessingStage,
  PublicUpload,
  Rendition,
  Transcoder,
  UploadErrorInfo,
  UploadStatus,
} from '../../client/types.js';
import type { VideoPlan } from '../process-upload/plan/videoPlan.js';
import type { ValidMedia } from '../process-upload/probe/validateMedia.js';
import type { PendingProcessingStatus } from './pendingProcessing.js';
import type { PendingRetentionStatus } from './retentionSettings.js';

// The record's public shapes are the client package's contract; the server's modules keep
// importing them from here, beside the record they make up.
export type { ChecksumAlgorithm, MediaInfo, ObjectChecksum, ProcessingStage, PublicUpload, Rendition, Transcoder, UploadErrorInfo, UploadStatus };

export const UPLOAD_STATUSES: readonly UploadStatus[] = [
  'initiated',
  'uploaded',
  'processing',
  'ready',
  'failed',
  'cancelled',
  'expired',
];

/** States an upload never leaves. */
export const FINAL_STATUSES: readonly UploadStatus[] = ['ready', 'failed', 'cancelled', 'expired'];

/**
 * A MediaConvert job making an upload's outputs: what the job was built from is kept, so that
 * whoever sees it finish (the status function, the periodic job, a redelivered event)
 * describes the same outputs without planning again.
 */
export interface TranscodeJob {
  /**
   * The token the job is submitted with (and carries in its metadata): it names the job's
   * folder, and events are matched to the record by it, so an event that arrives before the
   * job's id is recorded still finds its upload.
   */
  readonly token: string;
  /** MediaConvert's job id, once CreateJob answered; absent while the submission is under way. */
  readonly id?: string;
  readonly submittedAt: string;
  readonly plan: VideoPlan;
  readonly media: ValidMedia;
}

/**
 * One item in the Uploads table (partition key `uploadId`, GSI `byOwner` on `ownerId` + `createdAt`):
 * what clients see (`PublicUpload`, the client package's contract) and the fields only the
 * pipeline uses, which `toPublicUpload` never copies.
 */
export interface UploadRecord extends PublicUpload {
  readonly ownerId: string;
  /** Key of the original in the uploads bucket. */
  readonly sourceKey: string;
  /** S3's multipart upload id (internal: never shown to clients). */
  readonly multipartUploadId?: string;
  /**
   * `'initiated'` while the upload is initiated, absent in every other state: the key of the
   * sparse `byPendingExpiry` index. `transition` removes it on leaving `initiated`.
   */
  readonly pendingExpiry?: 'initiated';
  /**
   * The status while the upload is `uploaded` or `processing`, absent in every other state: the
   * key of the sparse `byPendingProcessing` index the sweep reads. `transition` keeps it.
   */
  readonly pendingProcessing?: PendingProcessingStatus;
  /**
   * The owner's id while the upload is unfinished (`initiated`, `uploaded`, `processing`),
   * absent once it is finished: the key of the sparse `byUnfinishedOwner` index.
   */
  readonly unfinishedOwner?: string;
  /** How many times the sweep sent the upload's event again because its processing never started. */
  readonly requeueCount?: number;
  /**
   * A fresh random id set by every write (`createUploadRecord`, `transition`). The SDK retries
   * a write whose answer was lost, and the retry of a conditional write DynamoDB had already
   * applied is rejected: finding its own id on the item tells the writer that the write is its own.
   */
  readonly writeId?: string;
  /**
   * `true` on records created with a reservation in the owner's usage (lambdas/shared/usage/):
   * their state changes and their removal settle it. Records from before usage tracking have
   * none, and change no counter.
   */
  readonly usageTracked?: true;
  /**
   * When a complete handed the `initiated` upload to S3's CompleteMultipartUpload (ISO-8601,
   * internal). Companion's DELETE, which Uppy sends as soon as a complete errs (a gateway timeout
   * while S3 is still completing a large upload included), refuses an upload that has it.
   */
  readonly completingSince?: string;
  /** The MediaConvert job of a video on that path (internal). */
  readonly transcodeJob?: TranscodeJob;
  /**
   * `'mediaconvert'` while the upload is `processing` with a job submitted, absent otherwise: the
   * key of the sparse `byRunningJob` index the periodic job reads to ask about silent jobs.
   * `transition` removes it when the upload leaves `processing`.
   */
  readonly runningJob?: 'mediaconvert';
  /**
   * The status before the record's last write, copied by that very write (`transition`); absent
   * after the first write (`createUploadRecord`). The last write changed the state exactly when
   * it differs from `status`, so whoever reads only the record as written (the table's stream,
   * local mode's stand-in for it) can tell a state change from a progress write.
   */
  readonly previousStatus?: UploadStatus;
  /**
   * The status while the retention job still has to delete the upload's original (`failed`
   * ones; `ready` ones when ready originals are deleted), absent otherwise: the key of the sparse
   * `byPendingRetention` index. `transition` sets it on entering the state; the job removes it.
   */
  readonly pendingRetention?: PendingRetentionStatus;
  /** When the retention job deleted the original (ISO-8601): a download finds none after it. */
  readonly originalRemovedAt?: string;
  /**
   * `true` once the retention job released the bytes the upload held in its owner's usage (it
   * deleted a failed upload's original and outputs), so a later DELETE releases nothing twice.
   */
  readonly usageReleased?: true;
  /**
   * When DynamoDB removes the record (epoch seconds, the table's TTL attribute): set by
   * `transition` on entering `cancelled`, `expired` or `failed`; `ready` records have none.
   */
  readonly removeAt?: number;
}

/**
 * Every field clients may see, and nothing else: the type makes adding a field to
 * `PublicUpload` fail to compile until it is listed here, and a field added to the record alone
 * is never shown (events and API answers are built from this list).
 */
const PUBLIC_UPLOAD_FIELDS = {
  uploadId: true,
  status: true,
  filename: true,
  contentType: true,
  kind: true,
  size: true,
  sizeMode: true,
  partSize: true,
  partCount: true,
  metadata: true,
  createdAt: true,
  updatedAt: true,
  expiresAt: true,
  seq: true,
  bytesSent: true,
  progress: true,
  stage: true,
  media: true,
  error: true,
  transcoder: true,
  checksumAlgorithm: true,
  checksum: true,
} as const satisfies { readonly [Field in keyof Required<PublicUpload>]: true };

const PUBLIC_FIELD_NAMES = Object.keys(PUBLIC_UPLOAD_FIELDS) as (keyof PublicUpload)[];

export function toPublicUpload(record: UploadRecord): PublicUpload {
  const shown: Record<string, unknown> = {};
  for (const field of PUBLIC_FIELD_NAMES) {
    if (record[field] !== undefined) shown[field] = record[field];
  }
  // The uploader's count means something only while the bytes are arriving; S3's size rules after.
  if (record.status !== 'initiated') delete shown.bytesSent;
  return shown as unknown as PublicUpload;
}
