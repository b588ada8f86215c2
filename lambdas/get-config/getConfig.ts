import { uploadPolicy, webSocketUrl } from '../shared/config.js';
import type { ApiResponse } from '../shared/http/httpHandler.js';
import { CHECKSUM_ALGORITHMS, type ChecksumAlgorithm, type MediaKind, S3_MAX_PART_COUNT } from '../shared/mediaPolicy.js';
import { partSizeLimits } from '../shared/partPlan.js';
import { FILENAME_MAX_CHARACTERS } from '../shared/validation/filename.js';
import { METADATA_KEY_PATTERN } from '../shared/validation/metadata.js';

/** `GET /config` answer: what `POST /uploads` will accept, so a client can check before asking. */
export interface PipelineConfig {
  /** Largest file, in bytes. */
  readonly maxFileSize: number;
  /** Content types accepted per kind (matched without regard to case). */
  readonly acceptedTypes: Readonly<Record<MediaKind, readonly string[]>>;
  readonly parts: {
    /** Part size used when the client names none (grown so the part URLs fit in one response). */
    readonly defaultSize: number;
    /** Range a client's own `partSize` must be in. */
    readonly minSize: number;
    readonly maxSize: number;
    /** Most parts an upload may have. */
    readonly maxCount: number;
    /** Most part URLs one response carries; `POST /uploads/{id}/parts` takes at most this many part numbers. */
    readonly maxUrlsPerResponse: number;
    /** Lifetime of a part URL, in seconds. */
    readonly urlExpirySeconds: number;
  };
  /** Time from create to the `complete` deadline, in seconds. */
  readonly uploadExpirySeconds: number;
  readonly filename: { readonly maxLength: number };
  readonly metadata: {
    /** Total UTF-8 bytes of keys and values. */
    readonly maxBytes: number;
    /** Every key must match this regular expression. */
    readonly keyPattern: string;
  };
  /** What one user may have going at once and create per hour; over them `POST /uploads` answers 403 or 429. */
  readonly perUser: {
    /** Unfinished uploads (`initiated`, `uploaded`, `processing`). */
    readonly maxActiveUploads: number;
    /** Declared bytes of `initiated` uploads. */
    readonly maxBytesInFlight: number;
    /** Declared bytes of kept uploads (completed, ready, failed, until deleted) plus those in flight. */
    readonly maxStoredBytes: number;
    /** Uploads created per clock hour (UTC). */
    readonly maxUploadsPerHour: number;
  };
  /** Checksums the API takes, and whether `POST /uploads` refuses an upload without one (400 CHECKSUM_REQUIRED). */
  readonly checksums: { readonly algorithms: readonly ChecksumAlgorithm[]; readonly required: boolean };
  /** Where live progress is served (docs/websocket.md); absent when the stack was deployed without it. */
  readonly webSocketUrl?: string;
}

/** `GET /config`: the upload policy the functions enforce, from the same `uploadPolicy()` they read. */
export async function getConfig(): Promise<ApiResponse> {
  const policy = uploadPolicy();
  const liveProgressUrl = webSocketUrl();
  const { minPartSize, maxPartSize } = partSizeLimits(policy);
  const config: PipelineConfig = {
    maxFileSize: policy.maxFileSize,
    acceptedTypes: policy.acceptedTypes,
    parts: {
      defaultSize: policy.defaultPartSize,
      minSize: minPartSize,
      maxSize: maxPartSize,
      maxCount: S3_MAX_PART_COUNT,
      maxUrlsPerResponse: policy.maxPartUrlsPerResponse,
      urlExpirySeconds: policy.partUrlExpirySeconds,
    },
    uploadExpirySeconds: policy.uploadExpirySeconds,
    filename: { maxLength: FILENAME_MAX_CHARACTERS },
    metadata: { maxBytes: policy.maxMetadataBytes, keyPattern: METADATA_KEY_PATTERN.source },
    perUser: {
      maxActiveUploads: policy.maxActiveUploadsPerUser,
      maxBytesInFlight: policy.maxBytesInFlightPerUser,
      maxStoredBytes: policy.maxStoredBytesPerUser,
      maxUploadsPerHour: policy.maxUploadsPerHourPerUser,
    },
    checksums: { algorithms: CHECKSUM_ALGORITHMS, required: policy.requireChecksums },
    ...(liveProgressUrl === undefined ? {} : { webSocketUrl: liveProgressUrl }),
  };
  return { statusCode: 200, body: config };
}
