import type { Transcoder } from '../process-upload/plan/transcoderRouting.js';
import type { VideoPlan } from '../process-upload/plan/videoPlan.js';
import type { ValidMedia } from '../process-upload/probe/validateMedia.js';
import type { MediaKind } from './mediaPolicy.js';
import type { PendingProcessingStatus } from './pendingProcessing.js';

/** See the state diagram in docs/architecture.md: states never go backwards. */
export type UploadStatus = 'initiated' | 'uploaded' | 'processing' | 'ready' | 'failed' | 'cancelled' | 'expired';

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

export type ProcessingStage = 'probe' | 'transcode' | 'thumbnails' | 'publish';

export interface UploadErrorInfo {
  readonly code: string;
  readonly message: string;
}

export interface Rendition {
  readonly width: number;
  readonly height: number;
  readonly bandwidth: number;
  readonly codecs: string;
  readonly url: string;
}

/**
 * What processing learned and produced: whole once `ready`; while `processing`, what is already
 * published (a video's `kind` and `posterUrl`, before its ladder is encoded); removed when the
 * upload ends `failed`, `cancelled` or `expired`, whose outputs are deleted.
 */
export interface MediaInfo {
  readonly kind: MediaKind;
  readonly durationSeconds?: number;
  readonly width?: number;
  readonly height?: number;
  readonly fps?: number;
  readonly videoCodec?: string;
  readonly audioCodec?: string;
  readonly bitrate?: number;
  readonly hasAudio?: boolean;
  readonly hlsUrl?: string;
  readonly renditions?: readonly Rendition[];
  readonly posterUrl?: string;
  readonly thumbnails?: { readonly spriteUrl: string; readonly vttUrl: string };
  readonly waveformUrl?: string;
  readonly images?: readonly { readonly width: number; readonly height: number; readonly url: string }[];
  /**
   * Under signed media access, when the signed URLs above stop working (ISO-8601). Added to what
   * clients receive (lambdas/shared/mediaAccess/mediaSigner.ts), never stored.
   */
  readonly urlsExpireAt?: string;
}

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

/** One item in the Uploads table (partition key `uploadId`, GSI `byOwner` on `ownerId` + `createdAt`). */
export interface UploadRecord {
  readonly uploadId: string;
  readonly ownerId: string;
  readonly status: UploadStatus;
  readonly filename: string;
  readonly contentType: string;
  readonly kind: MediaKind;
  /**
   * Declared size in bytes; `complete` checks what S3 holds against it. While an `open` upload
   * is `initiated`, the most it may hold (the size limit its owner's usage reserved), until
   * `complete` sets it from the parts S3 holds.
   */
  readonly size: number;
  /**
   * `open` when the client did not declare the size (a Companion client, `POST /s3/multipart`
   * without `size` in its metadata): part URLs leave the length unsigned, and `complete` derives
   * the size (and `partSize`, `partCount`) from the parts S3 holds. Absent: the size was declared.
   */
  readonly sizeMode?: 'open';
  readonly partSize: number;
  readonly partCount: number;
  /** Key of the original in the uploads bucket. */
  readonly sourceKey: string;
  /** S3's multipart upload id (internal: never shown to clients). */
  readonly multipartUploadId?: string;
  readonly metadata?: Readonly<Record<string, string>>;
  readonly createdAt: string;
  readonly updatedAt: string;
  /** When an `initiated` upload expires (ISO-8601). */
  readonly expiresAt: string;
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
   * Grows by one with every write of the record (`createUploadRecord` sets 1, every `transition`
   * adds 1): live-progress clients order what they hear by it. Absent on records written before it.
   */
  readonly seq?: number;
  /**
   * When a complete handed the `initiated` upload to S3's CompleteMultipartUpload (ISO-8601,
   * internal). Companion's DELETE, which Uppy sends as soon as a complete errs (a gateway timeout
   * while S3 is still completing a large upload included), refuses an upload that has it.
   */
  readonly completingSince?: string;
  /** Bytes the uploader last reported sent while `initiated` (live progress); `complete` still checks what S3 holds. */
  readonly bytesSent?: number;
  readonly progress?: number;
  readonly stage?: ProcessingStage;
  readonly media?: MediaInfo;
  readonly error?: UploadErrorInfo;
  /** Which transcoder makes (or made) the outputs, from when processing chose it. */
  readonly transcoder?: Transcoder;
  /** The MediaConvert job of a video on that path (internal). */
  readonly transcodeJob?: TranscodeJob;
  /**
   * `'mediaconvert'` while the upload is `processing` with a job submitted, absent otherwise: the
   * key of the sparse `byRunningJob` index the periodic job reads to ask about silent jobs.
   * `transition` removes it when the upload leaves `processing`.
   */
  readonly runningJob?: 'mediaconvert';
}

/** The record as clients see it: without the fields that only the pipeline uses. */
export type PublicUpload = Omit<
  UploadRecord,
  | 'multipartUploadId'
  | 'ownerId'
  | 'sourceKey'
  | 'pendingExpiry'
  | 'pendingProcessing'
  | 'unfinishedOwner'
  | 'requeueCount'
  | 'writeId'
  | 'usageTracked'
  | 'transcodeJob'
  | 'runningJob'
  | 'completingSince'
>;

export function toPublicUpload(record: UploadRecord): PublicUpload {
  const {
    multipartUploadId: _multipart,
    ownerId: _owner,
    sourceKey: _key,
    pendingExpiry: _pending,
    pendingProcessing: _pendingProcessing,
    unfinishedOwner: _unfinishedOwner,
    requeueCount: _requeues,
    writeId: _write,
    usageTracked: _tracked,
    transcodeJob: _job,
    runningJob: _running,
    completingSince: _completing,
    bytesSent,
    ...rest
  } = record;
  // The uploader's count means something only while the bytes are arriving; S3's size rules after.
  return record.status === 'initiated' && bytesSent !== undefined ? { ...rest, bytesSent } : rest;
}
