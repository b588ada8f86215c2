import { CreateMultipartUploadCommand } from '@aws-sdk/client-s3';
import { abortMultipartUpload } from '../shared/abortMultipartUpload.js';
import { uploadPolicy, uploadsBucketName } from '../shared/config.js';
import { createUploadRecord } from '../shared/createUploadRecord.js';
import type { ApiRequest } from '../shared/http/apiRequest.js';
import type { ApiResponse } from '../shared/http/httpHandler.js';
import { sourceKey } from '../shared/keys.js';
import { logger } from '../shared/logger.js';
import { partPlan } from '../shared/partPlan.js';
import { presignParts, type SignedPart } from '../shared/presignParts.js';
import { s3 } from '../shared/s3.js';
import { presignedUrlExpiry } from '../shared/signing/presignedUrlExpiry.js';
import type { UploadRecord, UploadStatus } from '../shared/uploadRecord.js';
import { newUploadId } from '../shared/validation/uploadId.js';
import { parseCreateUploadBody } from './parseCreateUploadBody.js';

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
 * `POST /uploads`. Everything the client sent is checked before anything is written. Then
 * S3's multipart upload is started under a key made from the new id alone, its first part
 * URLs are signed, and only then is the record written: until that write the multipart
 * upload is aborted on any failure, so a failed request leaves neither an S3 upload nor a
 * record the client never heard of.
 */
export async function createUpload(request: ApiRequest): Promise<ApiResponse> {
  const policy = uploadPolicy();
  const body = parseCreateUploadBody(request.body, policy);
  const plan = partPlan(body.size, policy, body.partSize);

  const uploadId = newUploadId();
  const key = sourceKey(uploadId);
  const now = new Date();
  const { UploadId: multipartUploadId } = await s3.send(
    new CreateMultipartUploadCommand({ Bucket: bucket, Key: key, ContentType: body.contentType }),
  );
  if (!multipartUploadId) throw new Error(`S3 started no multipart upload for ${key}`);

  const record: UploadRecord = {
    uploadId,
    ownerId: request.ownerId,
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
