import { abortMultipartUpload } from '../shared/abortMultipartUpload.js';
import { companionUploadId } from '../shared/companion/companionUploadId.js';
import { deleteSourceObject } from '../shared/deleteSourceObject.js';
import { InvalidStateError } from '../shared/errors.js';
import { getUploadRecord } from '../shared/getUploadRecord.js';
import type { ApiRequest } from '../shared/http/apiRequest.js';
import type { ApiResponse } from '../shared/http/httpHandler.js';
import { transition } from '../shared/transition.js';

/** `DELETE /s3/multipart/{id}` answer: nothing, as Companion answers. */
export type CompanionAbortAnswer = Record<string, never>;

const DONE: CompanionAbortAnswer = {};

/**
 * `DELETE /s3/multipart/{id}?key=` (Companion's abort) cancels an `initiated` upload and nothing
 * else. Uppy 5 sends it after any error, a failed complete included, so it must never remove an
 * upload that got further: any other state is 409 INVALID_STATE and changes nothing
 * (`DELETE /uploads/{id}` removes finished uploads). A `cancelled` upload answers `{}` again, so
 * a retried abort succeeds. Nor an `initiated` upload whose complete has handed it to S3
 * (`completingSince`): Uppy sends DELETE when that complete errs, a gateway timeout while S3
 * still completes included, and the complete (or processing, or expiry) finishes it. Like `DELETE /uploads/{id}`, the state is written first (a racing
 * complete loses, and deletes an original it made), then S3's multipart upload is aborted and
 * an original a crashed complete left is deleted.
 */
export async function companionAbort(request: ApiRequest): Promise<ApiResponse> {
  const uploadId = companionUploadId(request);
  const record = await getUploadRecord(uploadId, request.ownerId);
  if (record.status === 'cancelled') return { statusCode: 200, body: DONE };
  if (record.status !== 'initiated') {
    throw new InvalidStateError(
      `Upload ${uploadId} is ${record.status}; DELETE /s3/multipart only cancels an initiated upload (DELETE /uploads/${uploadId} removes it)`,
      record.status,
    );
  }
  if (record.completingSince !== undefined) {
    throw new InvalidStateError(
      `Upload ${uploadId} is being completed since ${record.completingSince}; GET /uploads/${uploadId} says how that ends (DELETE /uploads/${uploadId} removes it)`,
      record.status,
    );
  }
  await transition(uploadId, 'initiated', 'cancelled', {}, { ownerId: request.ownerId, unlessCompleting: true });
  if (record.multipartUploadId !== undefined) await abortMultipartUpload(record.sourceKey, record.multipartUploadId);
  await deleteSourceObject(record.sourceKey);
  return { statusCode: 200, body: DONE };
}
