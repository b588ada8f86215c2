/**
 * The API's public shapes as the client sees them. Record types come from the pipeline's own
 * `uploadRecord.ts` through `import type`, which the compiler erases: the client shares one
 * definition with the server (no drift) yet never pulls server code into a bundle.
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

/** `GET /config` answer: the limits and rules an upload must meet. */
export interface PipelineConfig {
  readonly maxFileSize: number;
  readonly acceptedTypes: Readonly<Record<MediaKind, readonly string[]>>;
  readonly [rule: string]: unknown;
}
