import { CreateMultipartUploadCommand } from '@aws-sdk/client-s3';
import { abortMultipartUpload } from '../shared/abortMultipartUpload.js';
import { uploadPolicy, uploadsBucketName } from '../shared/config.js';
import { createUploadRecord } from '../shared/createUploadRecord.js';
import type { ApiRequest } from '../shared/http/apiRequest.js';
import type { ApiResponse } from '../shared/http/httpHandler.js';
import { sourceKey } from '../shared/keys.js';
import { logger } from '../shared/logger.js';
import type { UploadPolicy } from '../shared/mediaPolicy.js';
import { type PartPlan, partPlan } from '../shared/partPlan.js';
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
  /** URLs for parts 1 to min(partCount, maxPartUrlsPerResponse); the rest from `POST /uploads/{id}/parts`. */
  readonly parts: readonly SignedPart[];
  /** The upload's deadline: without `complete` by then it expires and its parts are dropped. */
  readonly expiresAt: string;
  readonly partUrlsExpireAt: string;
}

/**
 * `POST /uploads`. Everything the client sent is checked before anything is written. Then the
 * upload's share of its owner's usage is reserved: over a per-user limit the answer is 403
 * `QUOTA_EXCEEDED` or 429 `RATE_LIMITED` and nothing at all is written. Then S3's multipart
 * upload is started under a key made from the new id alone, its first part URLs are signed,
 * and only then is the record written: until that write the multipart upload is aborted and
 * the reservation given back on any failure, so a failed request leaves neither an S3 upload,
 * nor a record the client never heard of, nor a share of the user's limits.
 */
export async function createUpload(request: ApiRequest): Promise<ApiResponse> {
  const policy = uploadPolicy();
  const body = parseCreateUploadBody(request.body, policy);
  const plan = partPlan(body.size, policy, body.partSize);

  const uploadId = newUploadId();
  const now = new Date();
  await reserveUpload({ ownerId: request.ownerId, uploadId, size: body.size, now }, policy);
  try {
    return await startUpload({ ownerId: request.ownerId, uploadId, body, plan, policy, now });
  } catch (error) {
    await releaseReservation(request.ownerId, uploadId).catch((releaseError: unknown) =>
      logger.error('Could not give back the reservation of a failed create; the next refused create of this user drops it', {
        uploadId,
        error: releaseError as Error,
      }),
    );
    throw error;
  }
}

interface NewUpload {
  readonly ownerId: string;
  readonly uploadId: string;
  readonly body: CreateUploadBody;
  readonly plan: PartPlan;
  readonly policy: UploadPolicy;
  readonly now: Date;
}

async function startUpload({ ownerId, uploadId, body, plan, policy, now }: NewUpload): Promise<ApiResponse> {
  const key = sourceKey(uploadId);
  const { UploadId: multipartUploadId } = await s3.send(
    new CreateMultipartUploadCommand({ Bucket: bucket, Key: key, ContentType: body.contentType }),
  );
  if (!multipartUploadId) throw new Error(`S3 started no multipart upload for ${key}`);

  const record: UploadRecord = {
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
    multipartUploadId,
    ...(body.metadata === undefined ? {} : { metadata: body.metadata }),
    createdAt: now.toISOString(),
    updatedAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + policy.uploadExpirySeconds * 1000).toISOString(),
    pendingExpiry: 'initiated',
    usageTracked: true,
  };
  let parts: SignedPart[];
  try {
    const firstParts = Array.from({ length: Math.min(plan.partCount, policy.maxPartUrlsPerResponse) }, (_, index) => ({
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

  const created: CreatedUpload = {
    uploadId,
    status: record.status,
    partSize: plan.partSize,
    partCount: plan.partCount,
    parts,
    expiresAt: record.expiresAt,
    partUrlsExpireAt: presignedUrlExpiry(now, policy.partUrlExpirySeconds),
  };
  return { statusCode: 201, headers: { location: `/uploads/${uploadId}` }, body: created };
}
