import { uploadPolicy, uploadsBucketName } from '../shared/config.js';
import { InvalidStateError, ValidationError } from '../shared/errors.js';
import { getUploadRecord } from '../shared/getUploadRecord.js';
import type { ApiRequest } from '../shared/http/apiRequest.js';
import type { ApiResponse } from '../shared/http/httpHandler.js';
import { partPlanOf } from '../shared/partPlan.js';
import { presignParts, type SignedPart } from '../shared/presignParts.js';
import { presignedUrlExpiry } from '../shared/signing/presignedUrlExpiry.js';
import { uploadIdFromPath } from '../shared/validation/uploadId.js';
import { parseSignPartsBody } from './parseSignPartsBody.js';

const bucket = uploadsBucketName();

/** `POST /uploads/{id}/parts` answer (200). */
export interface SignedParts {
  readonly parts: readonly SignedPart[];
  readonly partUrlsExpireAt: string;
}

/**
 * `POST /uploads/{id}/parts`: fresh URLs for the parts a client still has to send (to resume,
 * or because the first URLs expired). Only the owner gets them (anyone else gets 404), only
 * while the upload is `initiated` and before its deadline (else 409 INVALID_STATE), and each URL signs its part's
 * exact length, so S3 refuses a part of any other size.
 */
export async function signParts(request: ApiRequest): Promise<ApiResponse> {
  const uploadId = uploadIdFromPath(request.pathParameters);
  const policy = uploadPolicy();
  const partNumbers = parseSignPartsBody(request.body, policy.maxPartUrlsPerResponse);

  const record = await getUploadRecord(uploadId, request.ownerId);
  if (record.status !== 'initiated') {
    throw new InvalidStateError(
      `Upload ${uploadId} is ${record.status}; part URLs are only handed out while it is initiated`,
      record.status,
    );
  }
  const now = new Date();
  if (now.getTime() >= Date.parse(record.expiresAt)) {
    // The expiry job may not have run yet; handing out URLs now would only let the client
    // send bytes into an upload that is about to be aborted.
    throw new InvalidStateError(
      `Upload ${uploadId} expired at ${record.expiresAt}; start a new upload`,
      record.status,
    );
  }
  const beyond = partNumbers.filter((partNumber) => partNumber > record.partCount);
  if (beyond.length > 0) {
    throw new ValidationError(
      `Upload ${uploadId} has ${record.partCount} parts; there is no part ${beyond.join(', ')}`,
      'INVALID_PART_NUMBERS',
    );
  }
  if (record.multipartUploadId === undefined) {
    throw new Error(`Initiated upload ${uploadId} has no multipart upload id`);
  }

  const plan = partPlanOf(record.size, record.partSize);
  const parts = await presignParts(
    {
      bucket,
      key: record.sourceKey,
      multipartUploadId: record.multipartUploadId,
      parts: partNumbers.map((partNumber) => ({ partNumber, contentLength: plan.partLength(partNumber) })),
      expiresInSeconds: policy.partUrlExpirySeconds,
    },
    { signingDate: now },
  );
  const signed: SignedParts = { parts, partUrlsExpireAt: presignedUrlExpiry(now, policy.partUrlExpirySeconds) };
  return { statusCode: 200, body: signed };
}
