/**
 * What uploads the pipeline accepts. The CDK construct takes these as props, passes them to
 * the functions as `UPLOAD_POLICY` (JSON), and `GET /config` tells clients the same values.
 */
import type { ChecksumAlgorithm, MediaKind } from '../../client/types.js';

/** The kinds are part of the client package's contract (`PublicUpload.kind`, `GET /config`). */
export type { ChecksumAlgorithm, MediaKind };

/**
 * CRC-32C: S3 verifies it per part (the part URL signs it) and, as a FULL_OBJECT checksum, for
 * the whole file at complete; it is cheap to compute while streaming, in browsers too.
 */
export const CHECKSUM_ALGORITHMS = ['CRC32C'] as const satisfies readonly ChecksumAlgorithm[];

export const MEDIA_KINDS: readonly MediaKind[] = ['audio', 'video', 'image'];

export const MiB = 1024 * 1024;
export const GiB = 1024 * MiB;

/** S3's own multipart rules: parts of 5 MiB to 5 GiB (the last may be smaller), at most 10,000. */
export const S3_MIN_PART_SIZE = 5 * MiB;
export const S3_MAX_PART_SIZE = 5 * GiB;
export const S3_MAX_PART_COUNT = 10_000;

export interface UploadPolicy {
  /** Largest file accepted, in bytes. */
  readonly maxFileSize: number;
  /** Content types accepted per kind (lower case, exact match). */
  readonly acceptedTypes: Readonly<Record<MediaKind, readonly string[]>>;
  /** Part size chosen when the client does not ask for one; grown so that part count stays ≤ `maxPartUrlsPerResponse` when it can. */
  readonly defaultPartSize: number;
  /** Smallest part size a client may ask for (S3 minimum 5 MiB). */
  readonly minPartSize: number;
  /** Largest part size a client may ask for (S3 maximum 5 GiB). */
  readonly maxPartSize: number;
  /** How many part URLs one response carries at most; the rest come from `POST /uploads/{id}/parts`. */
  readonly maxPartUrlsPerResponse: number;
  /** Lifetime of a presigned part URL, in seconds. */
  readonly partUrlExpirySeconds: number;
  /** How long an `initiated` upload may wait for `complete` before it is expired and aborted, in seconds. */
  readonly uploadExpirySeconds: number;
  /** Total UTF-8 bytes of client metadata keys and values. */
  readonly maxMetadataBytes: number;
  /** Unfinished (`initiated`, `uploaded`, `processing`) uploads one user may have at once. */
  readonly maxActiveUploadsPerUser: number;
  /** Sum of the declared sizes of one user's `initiated` uploads, in bytes. */
  readonly maxBytesInFlightPerUser: number;
  /**
   * Bytes one user may keep: the declared sizes of their completed, ready and failed uploads
   * (until deleted) plus those still in flight, so uploads in flight can always complete.
   */
  readonly maxStoredBytesPerUser: number;
  /** Uploads one user may create per clock hour (UTC). */
  readonly maxUploadsPerHourPerUser: number;
  /**
   * Refuse uploads whose client sends no checksums (`POST /uploads` without `checksumAlgorithm`,
   * and every Companion route, as Uppy sends none) with 400 CHECKSUM_REQUIRED.
   */
  readonly requireChecksums: boolean;
}

export const DEFAULT_ACCEPTED_TYPES: Readonly<Record<MediaKind, readonly string[]>> = {
  audio: ['audio/mpeg', 'audio/mp4', 'audio/aac', 'audio/wav', 'audio/x-wav', 'audio/flac', 'audio/ogg', 'audio/webm', 'audio/x-m4a'],
  video: ['video/mp4', 'video/quicktime', 'video/webm', 'video/x-matroska', 'video/3gpp'],
  image: ['image/jpeg', 'image/png', 'image/webp', 'image/heic', 'image/gif'],
};

export const DEFAULT_UPLOAD_POLICY: UploadPolicy = {
  maxFileSize: 20 * GiB,
  acceptedTypes: DEFAULT_ACCEPTED_TYPES,
  defaultPartSize: 8 * MiB,
  minPartSize: S3_MIN_PART_SIZE,
  maxPartSize: S3_MAX_PART_SIZE,
  maxPartUrlsPerResponse: 1_000,
  partUrlExpirySeconds: 15 * 60,
  uploadExpirySeconds: 24 * 60 * 60,
  maxMetadataBytes: 2_048,
  maxActiveUploadsPerUser: 5,
  maxBytesInFlightPerUser: 40 * GiB,
  maxStoredBytesPerUser: 100 * GiB,
  maxUploadsPerHourPerUser: 100,
  requireChecksums: false,
};

/** The kind a content type belongs to, or undefined when no kind accepts it. */
export function kindOf(policy: UploadPolicy, contentType: string): MediaKind | undefined {
  const type = contentType.toLowerCase();
  return MEDIA_KINDS.find((kind) => policy.acceptedTypes[kind].includes(type));
}
