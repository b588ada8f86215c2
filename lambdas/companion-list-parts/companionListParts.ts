import { companionUploadId } from '../shared/companion/companionUploadId.js';
import { InvalidStateError } from '../shared/errors.js';
import { getUploadRecord } from '../shared/getUploadRecord.js';
import type { ApiRequest } from '../shared/http/apiRequest.js';
import type { ApiResponse } from '../shared/http/httpHandler.js';
import { listUploadedParts } from '../shared/listUploadedParts.js';

/** A part S3 holds, in Companion's (S3's) field names. */
export interface CompanionPart {
  readonly PartNumber: number;
  readonly ETag: string;
  readonly Size: number;
}

/**
 * `GET /s3/multipart/{id}?key=` (Companion's list parts, which Uppy calls to resume): every part
 * S3 holds, all pages, in part-number order; none when S3 no longer knows the multipart upload.
 * Only while the upload is `initiated` (409 INVALID_STATE otherwise: there is nothing to resume).
 */
export async function companionListParts(request: ApiRequest): Promise<ApiResponse> {
  const uploadId = companionUploadId(request);
  const record = await getUploadRecord(uploadId, request.ownerId);
  if (record.status !== 'initiated') {
    throw new InvalidStateError(`Upload ${uploadId} is ${record.status}; its parts are only listed while it is initiated`, record.status);
  }
  const parts = record.multipartUploadId === undefined ? undefined : await listUploadedParts(record.sourceKey, record.multipartUploadId);
  const answer: CompanionPart[] = (parts ?? []).map((part) => ({ PartNumber: part.partNumber, ETag: part.etag, Size: part.size }));
  return { statusCode: 200, body: answer };
}
