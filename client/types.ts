/**
 * The API's public shapes as the client sees them, declared here so that the client package
 * stands alone: the server builds its own types on these (`lambdas/shared/uploadRecord.ts`
 * extends `PublicUpload` with the fields only the pipeline uses; `mediaPolicy.ts` and the
 * transcoder routing take `MediaKind` and `Transcoder` from here). The route answers are
 * declared here rather than imported from the handlers, whose modules would drag the AWS SDK's
 * typings into every app that type-checks the client; `test/unit/client/types.test.ts` fails to
 * compile if they drift from the handlers' types.
 */

export type MediaKind = 'audio' | 'video' | 'image';

/** See the state diagram in docs/architecture.md: states never go backwards. */
export type UploadStatus = 'initiated' | 'uploaded' | 'processing' | 'ready' | 'failed' | 'cancelled' | 'expired';

export type ProcessingStage = 'probe' | 'transcode' | 'thumbnails' | 'publish';

/** Which transcoder makes a video's outputs. Audio and images always stay on ffmpeg. */
export type Transcoder = 'ffmpeg' | 'mediaconvert';

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
 * published (a video's `kind` and `posterUrl` before its ladder is encoded, then `hlsUrl` and
 * `playable` while it is); removed when the upload ends `failed`, `cancelled` or `expired`,
 * whose outputs are deleted.
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
  /**
   * True once `hlsUrl` plays: while a video is still `processing`, as soon as every rendition has
   * its first segments out (the playlists grow until the end), and whenever it is `ready`.
   */
  readonly playable?: boolean;
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

/** An upload as the API answers it (the record without the fields only the pipeline uses). */
export interface PublicUpload {
  readonly uploadId: string;
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
  readonly metadata?: Readonly<Record<string, string>>;
  readonly createdAt: string;
  readonly updatedAt: string;
  /** When an `initiated` upload expires (ISO-8601). */
  readonly expiresAt: string;
  /**
   * Grows by one with every write of the record (`createUploadRecord` sets 1, every `transition`
   * adds 1): live-progress clients order what they hear by it. Absent on records written before it.
   */
  readonly seq?: number;
  /** Bytes the uploader last reported sent while `initiated` (live progress); `complete` still checks what S3 holds. */
  readonly bytesSent?: number;
  readonly progress?: number;
  readonly stage?: ProcessingStage;
  readonly media?: MediaInfo;
  readonly error?: UploadErrorInfo;
  /** Which transcoder makes (or made) the outputs, from when processing chose it. */
  readonly transcoder?: Transcoder;
  /**
   * `CRC32C` when the client asked for end-to-end checksums at create: every part URL signs its
   * part's CRC-32C (S3 refuses bytes that do not match it) and `complete` needs the whole file's.
   */
  readonly checksumAlgorithm?: ChecksumAlgorithm;
  /** The whole file's checksum as S3 verified it at `complete`; set from `uploaded` on. */
  readonly checksum?: ObjectChecksum;
}

/** The one checksum algorithm the API offers: S3 can verify it per part and for the whole object. */
export type ChecksumAlgorithm = 'CRC32C';

/** A file's checksum: a FULL_OBJECT CRC-32C (of all its bytes, whatever the parts), base64 as S3 writes it. */
export interface ObjectChecksum {
  readonly algorithm: ChecksumAlgorithm;
  readonly type: 'FULL_OBJECT';
  readonly value: string;
}

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
  /**
   * `CRC32C`: the client sends each part's CRC-32C when it asks for the part's URL, and the
   * whole file's at complete. Required when the deployer set `requireChecksums`.
   */
  readonly checksumAlgorithm?: ChecksumAlgorithm;
}

/**
 * `POST /uploads` answer: the URLs of the first parts (up to the API's per-response limit), none
 * for a checksum upload (each part's URL signs its checksum, so it is asked for once the part is read).
 */
export interface CreatedUpload {
  readonly uploadId: string;
  readonly status: UploadStatus;
  readonly partSize: number;
  readonly partCount: number;
  readonly checksumAlgorithm?: ChecksumAlgorithm;
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
  /** The part's CRC-32C as S3 verified it (checksum uploads). */
  readonly checksumCRC32C?: string;
}

/** A part to sign with its CRC-32C (base64): its URL only takes bytes with that checksum. */
export interface PartChecksum {
  readonly partNumber: number;
  readonly checksumCRC32C: string;
}

/** `POST /uploads/{id}/complete` body. */
export interface CompleteUploadInput {
  /** The parts as the client sent them; without them the API takes the list from S3. */
  readonly parts?: readonly CompletedPart[];
  /** The whole file's FULL_OBJECT CRC-32C (base64): required for a checksum upload, which S3 refuses to complete unless it matches. */
  readonly checksumCRC32C?: string;
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
  /** Checksums: `required` means `POST /uploads` refuses an upload without `checksumAlgorithm`. */
  readonly checksums: { readonly algorithms: readonly ChecksumAlgorithm[]; readonly required: boolean };
  /** Where live progress is served; absent when the stack was deployed without it. */
  readonly webSocketUrl?: string;
}
