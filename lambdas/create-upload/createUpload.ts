import { CreateMultipartUploadCommand } from '@aws-sdk/client-s3';
import { abortMultipartUpload } from '../shared/abortMultipartUpload.js';
import { uploadPolicy, uploadsBucketName } from '../shared/config.js';
import { createUploadRecord } from '../shared/createUploadRecord.js';
import type { ApiRequest } from '../shared/http/apiRequest.js';
import type { ApiResponse } from '../shared/http/httpHandler.js';
import { sourceKey } from '../shared/keys.js';
import { logger } from '../shared/logger.js';
import { CHECKSUM_ALGORITHMS, type ChecksumAlgorithm, S3_MAX_PART_COUNT, S3_MAX_PART_SIZE, type UploadPolicy } from '../shared/mediaPolicy.js';
import { TooLargeError, ValidationError } from '../shared/errors.js';
import { type PartPlan, partPlan, partPlanOf, partSizeLimits } from '../shared/partPlan.js';
import { presignPutObject } from '../shared/presignPutObject.js';
import { presignParts, type SignedPart } from '../shared/presignParts.js';
import { s3 } from '../shared/s3.js';
import { presignedUrlExpiry } from '../shared/signing/presignedUrlExpiry.js';
import type { UploadRecord, UploadStatus } from '../shared/uploadRecord.js';
import { releaseReservation, reserveUpload } from '../shared/usage/reserveUpload.js';
import { newUploadId } from '../shared/validation/uploadId.js';
import { type CreateUploadBody, parseCreateUploadBody } from './parseCreateUploadBody.js';

const bucket = uploadsBucketName();

/** `POST /uploads` answer (201). */
export interface CreatedUpload {
  readonly uploadId: string;
  readonly status: UploadStatus;
  readonly partSize: number;
  readonly partCount: number;
  readonly checksumAlgorithm?: ChecksumAlgorithm;
  /**
   * URLs for parts 1 to min(partCount, maxPartUrlsPerResponse); the rest from `POST /uploads/{id}/parts`.
   * None for a checksum upload: each URL signs its part's checksum, which the client knows once it read the part.
   */
  readonly parts: readonly SignedPart[];
  /** The upload's deadline: without `complete` by then it expires and its parts are dropped. */
  readonly expiresAt: string;
  readonly partUrlsExpireAt: string;
}

/** How a new upload's size is known: declared by the client, or `open` (learnt at complete). */
export interface NewUploadOptions {
  /** @default - the size is the declared `body.size`, and part URLs sign each part's length */
  readonly sizeMode?: 'open';
  /**
   * Whether the answer carries the first part URLs (a Companion client asks for each part itself).
   * @default true
   */
  readonly signFirstParts?: boolean;
  /**
   * One PUT of the whole object instead of a multipart upload (Companion's `GET /s3/params`): no
   * multipart upload is started, and the answer carries `putUrl`, signing the declared size.
   * Processing moves the upload on once the object is in S3 at that size.
   * @default false
   */
  readonly singlePut?: boolean;
}

/** What starting an upload made: the `POST /uploads` answer, and the URL of a single PUT when one was asked for. */
export interface StartedUpload extends CreatedUpload {
  readonly putUrl?: string;
}

/**
 * `POST /uploads`. Everything the client sent is checked before anything is written (see
 * `startNewUpload` for what follows).
 */
export async function createUpload(request: ApiRequest): Promise<ApiResponse> {
  const policy = uploadPolicy();
  const body = parseCreateUploadBody(request.body, policy);
  const created: CreatedUpload = await startNewUpload(request.ownerId, body, policy);
  return { statusCode: 201, headers: { location: `/uploads/${created.uploadId}` }, body: created };
}

/**
 * Starts an upload from a body that passed every rule. First the upload's share of its owner's
 * usage is reserved: over a per-user limit the answer is 403 `QUOTA_EXCEEDED` or 429
 * `RATE_LIMITED` and nothing at all is written. Then S3's multipart upload is started under a
 * key made from the new id alone, its first part URLs are signed, and only then is the record
 * written: until that write the multipart upload is aborted and the reservation given back on
 * any failure, so a failed request leaves neither an S3 upload, nor a record the client never
 * heard of, nor a share of the user's limits.
 *
 * An `open` upload (no declared size) reserves the size limit and records it as its size until
 * complete measures the parts, with up to 10,000 parts of at least the smallest part size.
 *
 * With `checksumAlgorithm` (CRC32C) S3's multipart upload is created with that algorithm and the
 * FULL_OBJECT type, so S3 checks each part against the checksum its URL signs and the whole
 * file against the client's at complete. A deployment that requires checksums refuses an upload
 * without one (400 CHECKSUM_REQUIRED) before anything is written.
 */
export async function startNewUpload(
  ownerId: string,
  body: CreateUploadBody,
  policy: UploadPolicy,
  options: NewUploadOptions = {},
): Promise<StartedUpload> {
  const plan =
    options.sizeMode === 'open' ? openPartPlan(policy) : options.singlePut ? partPlanOf(body.size, body.size) : partPlan(body.size, policy, body.partSize);
  const size = options.sizeMode === 'open' ? policy.maxFileSize : body.size;
  if (options.singlePut && size > S3_MAX_PART_SIZE) {
    throw new TooLargeError(`A single PUT holds at most ${S3_MAX_PART_SIZE} bytes, not ${size}; upload in parts (shouldUseMultipart: true)`);
  }
  if (policy.requireChecksums && body.checksumAlgorithm === undefined) {
    throw new ValidationError(
      `This deployment requires checksums: create the upload with checksumAlgorithm ${CHECKSUM_ALGORITHMS.join(' or ')} and send each part's checksum (the media-pipeline SDK does); Uppy and other clients that send none are refused`,
      'CHECKSUM_REQUIRED',
    );
  }
  if (options.singlePut && body.checksumAlgorithm !== undefined) {
    throw new ValidationError('A single PUT (GET /s3/params) carries no checksums; upload in parts to use checksumAlgorithm', 'CHECKSUM_UNSUPPORTED');
  }
  const uploadId = newUploadId();
  const now = new Date();
  await reserveUpload({ ownerId, uploadId, size, now }, policy);
  try {
    return await startUpload({ ownerId, uploadId, body: { ...body, size }, plan, policy, now, options });
  } catch (error) {
    await releaseReservation(ownerId, uploadId).catch((releaseError: unknown) =>
      logger.error('Could not give back the reservation of a failed create; the next refused create of this user drops it', {
        uploadId,
        error: releaseError as Error,
      }),
    );
    throw error;
  }
}

/** What an open upload's record holds until complete: the size limit, in at most S3's part count. */
function openPartPlan(policy: UploadPolicy): PartPlan {
  const { minPartSize } = partSizeLimits(policy);
  return { partSize: minPartSize, partCount: S3_MAX_PART_COUNT, partLength: () => minPartSize };
}

interface NewUpload {
  readonly ownerId: string;
  readonly uploadId: string;
  readonly body: CreateUploadBody;
  readonly plan: PartPlan;
  readonly policy: UploadPolicy;
  readonly now: Date;
  readonly options: NewUploadOptions;
}

async function startUpload(upload: NewUpload): Promise<StartedUpload> {
  if (upload.options.singlePut) return startSinglePut(upload);
  const { uploadId, body, plan, policy, now, options } = upload;
  const key = sourceKey(uploadId);
  const { UploadId: multipartUploadId } = await s3.send(
    new CreateMultipartUploadCommand({
      Bucket: bucket,
      Key: key,
      ContentType: body.contentType,
      ...(body.checksumAlgorithm && { ChecksumAlgorithm: body.checksumAlgorithm, ChecksumType: 'FULL_OBJECT' }),
    }),
  );
  if (!multipartUploadId) throw new Error(`S3 started no multipart upload for ${key}`);

  const record = initiatedRecord(upload, key, multipartUploadId);
  let parts: SignedPart[];
  try {
    const signsFirstParts = options.sizeMode === undefined && options.signFirstParts !== false && body.checksumAlgorithm === undefined;
    const firstCount = signsFirstParts ? Math.min(plan.partCount, policy.maxPartUrlsPerResponse) : 0;
    const firstParts = Array.from({ length: firstCount }, (_, index) => ({
      partNumber: index + 1,
      contentLength: plan.partLength(index + 1),
    }));
    parts = await presignParts(
      { bucket, key, multipartUploadId, parts: firstParts, expiresInSeconds: policy.partUrlExpirySeconds },
      { signingDate: now },
    );
    await createUploadRecord(record);
  } catch (error) {
    await abortMultipartUpload(key, multipartUploadId).catch((abortError: unknown) =>
      logger.error('Could not abort the multipart upload of a failed create; with no record the expiry job cannot, so the bucket lifecycle rule will', {
        uploadId,
        key,
        error: abortError as Error,
      }),
    );
    throw error;
  }

  return {
    uploadId,
    status: record.status,
    partSize: plan.partSize,
    partCount: plan.partCount,
    ...(body.checksumAlgorithm && { checksumAlgorithm: body.checksumAlgorithm }),
    parts,
    expiresAt: record.expiresAt,
    partUrlsExpireAt: presignedUrlExpiry(now, policy.partUrlExpirySeconds),
  };
}

/**
 * A single-PUT upload: the URL is signed first (a local computation), then the record is written
 * without a multipart upload, so a failure leaves nothing in S3. One PUT holds at most 5 GiB.
 */
async function startSinglePut(upload: NewUpload): Promise<StartedUpload> {
  const { uploadId, body, plan, policy, now } = upload;
  const key = sourceKey(uploadId);
  const putUrl = await presignPutObject({ bucket, key, contentLength: body.size, expiresInSeconds: policy.partUrlExpirySeconds, signingDate: now });
  const record = initiatedRecord(upload, key);
  await createUploadRecord(record);
  return {
    uploadId,
    status: record.status,
    partSize: plan.partSize,
    partCount: plan.partCount,
    parts: [],
    expiresAt: record.expiresAt,
    partUrlsExpireAt: presignedUrlExpiry(now, policy.partUrlExpirySeconds),
    putUrl,
  };
}

/** The new upload's record, `initiated`, with its multipart upload when it has one. */
function initiatedRecord({ ownerId, uploadId, body, plan, policy, now, options }: NewUpload, key: string, multipartUploadId?: string): UploadRecord {
  return {
    uploadId,
    ownerId,
    status: 'initiated',
    filename: body.filename,
    contentType: body.contentType,
    kind: body.kind,
    size: body.size,
    partSize: plan.partSize,
    partCount: plan.partCount,
    sourceKey: key,
    ...(multipartUploadId === undefined ? {} : { multipartUploadId }),
    ...(options.sizeMode === undefined ? {} : { sizeMode: options.sizeMode }),
    ...(body.metadata === undefined ? {} : { metadata: body.metadata }),
    ...(body.checksumAlgorithm === undefined ? {} : { checksumAlgorithm: body.checksumAlgorithm }),
    createdAt: now.toISOString(),
    updatedAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + policy.uploadExpirySeconds * 1000).toISOString(),
    pendingExpiry: 'initiated',
    usageTracked: true,
  };
}
