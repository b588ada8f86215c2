import { Duration, Size, SizeRoundingBehavior } from 'aws-cdk-lib';
import {
  DEFAULT_UPLOAD_POLICY,
  MEDIA_KINDS,
  S3_MAX_PART_COUNT,
  S3_MAX_PART_SIZE,
  S3_MIN_PART_SIZE,
  type MediaKind,
  type UploadPolicy,
} from '../lambdas/shared/mediaPolicy.js';

/** What uploads the pipeline accepts; each default is `DEFAULT_UPLOAD_POLICY`'s value. */
export interface UploadPolicyProps {
  /**
   * Largest file accepted.
   * @default Size.gibibytes(20)
   */
  readonly maxFileSize?: Size;
  /**
   * Accepted content types (lower case, exact match) per kind. A kind given here replaces that
   * kind's default list; an empty list accepts nothing of that kind.
   * @default - `DEFAULT_ACCEPTED_TYPES`: common audio, video and image types
   */
  readonly acceptedTypes?: Readonly<Partial<Record<MediaKind, readonly string[]>>>;
  /**
   * Part size used when the client asks for none (grown when a file would need more parts
   * than one response carries URLs for).
   * @default Size.mebibytes(8)
   */
  readonly defaultPartSize?: Size;
  /**
   * Smallest part size a client may ask for; at least S3's 5 MiB.
   * @default Size.mebibytes(5)
   */
  readonly minPartSize?: Size;
  /**
   * Largest part size a client may ask for; at most S3's 5 GiB.
   * @default Size.gibibytes(5)
   */
  readonly maxPartSize?: Size;
  /**
   * Part URLs in one response at most; the rest come from `POST /uploads/{id}/parts`.
   * @default 1000
   */
  readonly maxPartUrlsPerResponse?: number;
  /**
   * Lifetime of a presigned part URL (1 minute to 7 days, SigV4's limit).
   * @default Duration.minutes(15)
   */
  readonly partUrlExpiry?: Duration;
  /**
   * How long an upload may stay `initiated` before it expires and its parts are aborted.
   * @default Duration.hours(24)
   */
  readonly uploadExpiry?: Duration;
  /**
   * Total UTF-8 bytes of client metadata keys and values per upload (at most 64 KiB, so records
   * and list pages stay small).
   * @default 2048
   */
  readonly maxMetadataBytes?: number;
  /**
   * Unfinished uploads (`initiated`, `uploaded`, `processing`) one user may have at once. It
   * also bounds one user's share of the processing queue: with 5 against the queue's 10
   * concurrent runs, one user's burst leaves at least half of the runs to everyone else.
   * At most 1,000 (the per-user usage item keeps one small entry per unfinished upload).
   * @default 5
   */
  readonly maxActiveUploadsPerUser?: number;
  /**
   * Sum of the declared sizes of one user's uploads still being sent (`initiated`): parts S3
   * stores until they complete or expire. At least `maxFileSize`.
   * @default - twice `maxFileSize` (40 GiB with the default)
   */
  readonly maxBytesInFlightPerUser?: Size;
  /**
   * Bytes of originals one user may keep: the declared sizes of their completed, ready and
   * failed uploads until deleted, plus the uploads in flight (so those can always complete).
   * At least `maxFileSize`.
   * @default Size.gibibytes(100)
   */
  readonly maxStoredBytesPerUser?: Size;
  /**
   * Uploads one user may create per clock hour (UTC); refusals answer 429 with the time the
   * hour ends.
   * @default 100
   */
  readonly maxUploadsPerHourPerUser?: number;
  /**
   * Refuse uploads from clients that send no checksums (400 CHECKSUM_REQUIRED): `POST /uploads`
   * without `checksumAlgorithm`, and the Companion routes (Uppy sends none). The project's SDK
   * always sends them, and S3 then refuses any part or file whose bytes changed on the way.
   * Off by default so that Uppy and other clients that cannot hash parts keep working; turn it
   * on when every client is the SDK (or hashes like it).
   * @default false
   */
  readonly requireChecksums?: boolean;
}

const CONTENT_TYPE = /^[a-z0-9][a-z0-9!#$&^_.+-]*\/[a-z0-9][a-z0-9!#$&^_.+-]*$/;
const MAX_METADATA_BYTES = 64 * 1024;
const MAX_PRESIGN_SECONDS = 7 * 24 * 60 * 60;
/** One entry per unfinished upload lives in the user's usage item, which DynamoDB caps at 400 KB. */
const MAX_ACTIVE_UPLOADS_PER_USER = 1_000;

/**
 * The `UploadPolicy` the functions receive as `UPLOAD_POLICY`, from construct props. Throws at
 * synth, naming the prop and its bad value, on anything S3 or the API could not honour.
 */
export function uploadPolicyFromProps(props: UploadPolicyProps = {}): UploadPolicy {
  const defaults = DEFAULT_UPLOAD_POLICY;
  const maxFileSize = bytes('maxFileSize', props.maxFileSize, defaults.maxFileSize);
  const policy: UploadPolicy = {
    maxFileSize,
    acceptedTypes: acceptedTypes(props.acceptedTypes),
    defaultPartSize: bytes('defaultPartSize', props.defaultPartSize, defaults.defaultPartSize),
    minPartSize: bytes('minPartSize', props.minPartSize, defaults.minPartSize),
    maxPartSize: bytes('maxPartSize', props.maxPartSize, defaults.maxPartSize),
    maxPartUrlsPerResponse: props.maxPartUrlsPerResponse ?? defaults.maxPartUrlsPerResponse,
    partUrlExpirySeconds: seconds('partUrlExpiry', props.partUrlExpiry, defaults.partUrlExpirySeconds),
    uploadExpirySeconds: seconds('uploadExpiry', props.uploadExpiry, defaults.uploadExpirySeconds),
    maxMetadataBytes: props.maxMetadataBytes ?? defaults.maxMetadataBytes,
    maxActiveUploadsPerUser: props.maxActiveUploadsPerUser ?? defaults.maxActiveUploadsPerUser,
    maxBytesInFlightPerUser: bytes('maxBytesInFlightPerUser', props.maxBytesInFlightPerUser, 2 * maxFileSize),
    maxStoredBytesPerUser: bytes('maxStoredBytesPerUser', props.maxStoredBytesPerUser, defaults.maxStoredBytesPerUser),
    maxUploadsPerHourPerUser: props.maxUploadsPerHourPerUser ?? defaults.maxUploadsPerHourPerUser,
    requireChecksums: props.requireChecksums ?? defaults.requireChecksums,
  };
  validate(policy);
  return policy;
}

function bytes(name: string, size: Size | undefined, fallback: number): number {
  if (size === undefined) return fallback;
  const value = size.toBytes({ rounding: SizeRoundingBehavior.NONE });
  if (!Number.isSafeInteger(value) || value <= 0) {
    throw new Error(`${name} must be a positive whole number of bytes, got ${value} bytes`);
  }
  return value;
}

function seconds(name: string, duration: Duration | undefined, fallback: number): number {
  if (duration === undefined) return fallback;
  const value = duration.toSeconds({ integral: false });
  if (!Number.isInteger(value) || value <= 0) {
    throw new Error(`${name} must be a positive whole number of seconds, got ${value} seconds`);
  }
  return value;
}

function acceptedTypes(overrides: UploadPolicyProps['acceptedTypes']): UploadPolicy['acceptedTypes'] {
  const merged: Record<MediaKind, readonly string[]> = {
    audio: overrides?.audio ?? DEFAULT_UPLOAD_POLICY.acceptedTypes.audio,
    video: overrides?.video ?? DEFAULT_UPLOAD_POLICY.acceptedTypes.video,
    image: overrides?.image ?? DEFAULT_UPLOAD_POLICY.acceptedTypes.image,
  };
  const seen = new Map<string, MediaKind>();
  for (const kind of MEDIA_KINDS) {
    for (const type of merged[kind]) {
      if (!CONTENT_TYPE.test(type)) {
        throw new Error(`acceptedTypes.${kind} holds '${type}', which is not a lower-case type/subtype content type`);
      }
      const other = seen.get(type);
      if (other !== undefined) {
        throw new Error(`acceptedTypes lists '${type}' under both ${other} and ${kind}; a type must name one kind`);
      }
      seen.set(type, kind);
    }
  }
  if (seen.size === 0) throw new Error('acceptedTypes accepts no content type at all; give at least one');
  return { audio: [...merged.audio], video: [...merged.video], image: [...merged.image] };
}

function validate(policy: UploadPolicy): void {
  const { minPartSize, defaultPartSize, maxPartSize, maxFileSize } = policy;
  if (minPartSize < S3_MIN_PART_SIZE) {
    throw new Error(`minPartSize must be at least S3's 5 MiB (${S3_MIN_PART_SIZE} bytes), got ${minPartSize} bytes`);
  }
  if (maxPartSize > S3_MAX_PART_SIZE) {
    throw new Error(`maxPartSize must be at most S3's 5 GiB (${S3_MAX_PART_SIZE} bytes), got ${maxPartSize} bytes`);
  }
  if (!(minPartSize <= defaultPartSize && defaultPartSize <= maxPartSize)) {
    throw new Error(
      `part sizes must satisfy minPartSize <= defaultPartSize <= maxPartSize, got ${minPartSize} <= ${defaultPartSize} <= ${maxPartSize} bytes`,
    );
  }
  if (maxFileSize > maxPartSize * S3_MAX_PART_COUNT) {
    throw new Error(
      `maxFileSize of ${maxFileSize} bytes cannot be uploaded in ${S3_MAX_PART_COUNT} parts of at most maxPartSize (${maxPartSize} bytes)`,
    );
  }
  const urls = policy.maxPartUrlsPerResponse;
  if (!Number.isInteger(urls) || urls < 1 || urls > S3_MAX_PART_COUNT) {
    throw new Error(`maxPartUrlsPerResponse must be a whole number from 1 to ${S3_MAX_PART_COUNT}, got ${urls}`);
  }
  if (policy.partUrlExpirySeconds < 60 || policy.partUrlExpirySeconds > MAX_PRESIGN_SECONDS) {
    throw new Error(`partUrlExpiry must be from 1 minute to 7 days (SigV4's limit), got ${policy.partUrlExpirySeconds} seconds`);
  }
  if (policy.uploadExpirySeconds < 60) {
    throw new Error(`uploadExpiry must be at least 1 minute, got ${policy.uploadExpirySeconds} seconds`);
  }
  const metadata = policy.maxMetadataBytes;
  if (!Number.isInteger(metadata) || metadata < 0 || metadata > MAX_METADATA_BYTES) {
    throw new Error(`maxMetadataBytes must be a whole number from 0 to ${MAX_METADATA_BYTES}, got ${metadata}`);
  }
  validatePerUserLimits(policy);
}

function validatePerUserLimits(policy: UploadPolicy): void {
  const active = policy.maxActiveUploadsPerUser;
  if (!Number.isInteger(active) || active < 1 || active > MAX_ACTIVE_UPLOADS_PER_USER) {
    throw new Error(`maxActiveUploadsPerUser must be a whole number from 1 to ${MAX_ACTIVE_UPLOADS_PER_USER}, got ${active}`);
  }
  const perHour = policy.maxUploadsPerHourPerUser;
  if (!Number.isInteger(perHour) || perHour < 1) {
    throw new Error(`maxUploadsPerHourPerUser must be a whole number of at least 1, got ${perHour}`);
  }
  // Below maxFileSize, the largest file the API accepts could never be uploaded by anyone.
  for (const name of ['maxBytesInFlightPerUser', 'maxStoredBytesPerUser'] as const) {
    if (policy[name] < policy.maxFileSize) {
      throw new Error(`${name} must be at least maxFileSize (${policy.maxFileSize} bytes), got ${policy[name]} bytes`);
    }
  }
}
