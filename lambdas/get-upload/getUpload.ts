import { getUploadRecord } from '../shared/getUploadRecord.js';
import type { ApiRequest } from '../shared/http/apiRequest.js';
import type { ApiResponse } from '../shared/http/httpHandler.js';
import { withMediaAccess } from '../shared/mediaAccess/mediaSigner.js';
import { listUploadedParts, type UploadedPart } from '../shared/listUploadedParts.js';
import { type PublicUpload, toPublicUpload } from '../shared/uploadRecord.js';
import { uploadIdFromPath } from '../shared/validation/uploadId.js';

/** `GET /uploads/{id}`: the record, and while it is `initiated` the parts S3 already holds. */
export interface UploadView extends PublicUpload {
  readonly uploadedParts?: readonly UploadedPart[];
}

/**
 * `GET /uploads/{id}`. While the upload is `initiated`, ListParts (not the record) says which
 * parts are in, so a client resumes from what S3 really holds. A multipart upload that S3 no
 * longer knows (aborted behind the pipeline's back) holds no parts: the record is still shown.
 * Under signed media access its media URLs carry a fresh signature (`media.urlsExpireAt`).
 */
export async function getUpload(request: ApiRequest): Promise<ApiResponse> {
  const uploadId = uploadIdFromPath(request.pathParameters);
  const record = await getUploadRecord(uploadId, request.ownerId);
  if (record.status !== 'initiated') return { statusCode: 200, body: (await withMediaAccess(toPublicUpload(record))) satisfies UploadView };

  const uploadedParts =
    record.multipartUploadId === undefined ? undefined : await listUploadedParts(record.sourceKey, record.multipartUploadId);
  return { statusCode: 200, body: { ...toPublicUpload(record), uploadedParts: uploadedParts ?? [] } satisfies UploadView };
}
