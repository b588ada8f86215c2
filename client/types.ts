/**
 * The API's public shapes as the client sees them. Record types come from the pipeline's own
 * `uploadRecord.ts` (plain types, no imports beyond `mediaPolicy.ts`) through `import type`,
 * which compilers and bundlers erase: one definition with the server, and no server code in a
 * bundle. The route answers are declared here rather than imported from the handlers, whose
 * modules would drag the AWS SDK's typings into every app that type-checks the client;
 * `test/unit/client/types.test.ts` fails to compile if they drift from the handlers' types.
 */
import type { MediaKind } from '../lambdas/shared/mediaPolicy.js';
import type {
  MediaInfo,
  ProcessingStage,
  PublicUpload,
  Rendition,
  UploadErrorInfo,
  UploadStatus,
} from '../lambdas/shared/uploadRecord.js';

export type { MediaInfo, MediaKind, ProcessingStage, PublicUpload, Rendition, UploadErrorInfo, UploadStatus };

export interface PartUrl {
  readonly partNumber: number;
  readonly url: string;
}

/** `POST /uploads` body. */
export interface CreateUploadInput {
  readonly filename: string;
  readonly contentType: string;
  readonly size: number;
  readonly metadata?: Readonly<Record<string, string>>;
  /** Bytes per part; the API picks one (and may grow it) when omitted. */
  readonly partSize?: number;
}

/** `POST /uploads` answer: the URLs of the first parts (up to the API's per-response limit). */
export interface CreatedUpload {
  readonly uploadId: string;
  readonly status: UploadStatus;
  readonly partSize: number;
  readonly partCount: number;
  readonly parts: readonly PartUrl[];
  readonly expiresAt: string;
  readonly partUrlsExpireAt: string;
}

/** `POST /uploads/{id}/parts` answer. */
export interface SignedParts {
  readonly parts: readonly PartUrl[];
  readonly partUrlsExpireAt: string;
}

/**
 * `GET /uploads/{id}/download` answer: a presigned GET of the original, valid until `expiresAt`.
 * S3 answers it with `Content-Disposition: attachment` and the upload's filename, and honours
 * `Range` (206), so a download can resume from the bytes it has.
 */
export interface DownloadLink {
  readonly url: string;
  readonly expiresAt: string;
}

/** A part S3 already holds, from ListParts. */
export interface UploadedPart {
  readonly partNumber: number;
  readonly size: number;
  readonly etag: string;
}

/** `GET /uploads/{id}` answer: while `initiated` it also lists the parts S3 holds (the truth for resume). */
export type UploadDetails = PublicUpload & { readonly uploadedParts?: readonly UploadedPart[] };

export interface CompletedPart {
  readonly partNumber: number;
  readonly etag: string;
}

export interface ListUploadsQuery {
  readonly status?: UploadStatus;
  readonly limit?: number;
  readonly cursor?: string;
}

export interface UploadList {
  readonly items: readonly PublicUpload[];
  /** Pass back to get the next page; absent on the last page. */
  readonly cursor?: string;
}

/** `GET /config` answer: what `POST /uploads` will accept, so a client can check before asking. */
export interface PipelineConfig {
  /** Largest file, in bytes. */
  readonly maxFileSize: number;
  readonly acceptedTypes: Readonly<Record<MediaKind, readonly string[]>>;
  readonly parts: {
    /** Part size used when the client names none. */
    readonly defaultSize: number;
    /** Range a client's own `partSize` must be in. */
    readonly minSize: number;
    readonly maxSize: number;
    readonly maxCount: number;
    /** Most part URLs one response carries, and most part numbers `signParts` takes. */
    readonly maxUrlsPerResponse: number;
    readonly urlExpirySeconds: number;
  };
  /** Time from create to the `complete` deadline, in seconds. */
  readonly uploadExpirySeconds: number;
  readonly filename: { readonly maxLength: number };
  readonly metadata: { readonly maxBytes: number; readonly keyPattern: string };
  /** Per-user limits: over them `POST /uploads` answers 403 `QUOTA_EXCEEDED` or 429 `RATE_LIMITED`. */
  readonly perUser: {
    /** Unfinished uploads (`initiated`, `uploaded`, `processing`) at once. */
    readonly maxActiveUploads: number;
    /** Declared bytes of uploads still being sent. */
    readonly maxBytesInFlight: number;
    /** Declared bytes of kept uploads (completed, ready, failed, until deleted) plus those in flight. */
    readonly maxStoredBytes: number;
    /** Uploads created per clock hour (UTC). */
    readonly maxUploadsPerHour: number;
  };
  /** Where live progress is served; absent when the stack was deployed without it. */
  readonly webSocketUrl?: string;
}
