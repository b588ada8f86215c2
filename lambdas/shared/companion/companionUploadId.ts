import { ValidationError } from '../errors.js';
import type { ApiRequest } from '../http/apiRequest.js';
import { describeValue } from '../validation/describeValue.js';
import { uploadIdFromPath } from '../validation/uploadId.js';

/**
 * The upload a Companion route names: the `{id}` path parameter (404 NOT_FOUND unless it can be
 * an upload id) and the `key` query parameter, which must repeat it (400 INVALID_KEY): the
 * pipeline answers `POST /s3/multipart` with the upload id as both `uploadId` and `key`, so an
 * S3 key never reaches or comes from a client.
 */
export function companionUploadId(request: ApiRequest): string {
  const uploadId = uploadIdFromPath(request.pathParameters);
  const { key } = request.query;
  if (key !== uploadId) {
    throw new ValidationError(`key must be the upload id ${uploadId}, as POST /s3/multipart answered; got ${describeValue(key)}`, 'INVALID_KEY');
  }
  return uploadId;
}
