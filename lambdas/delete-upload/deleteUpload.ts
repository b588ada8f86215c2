import { InvalidStateError } from '../shared/errors.js';
import { getUploadRecord } from '../shared/getUploadRecord.js';
import type { ApiRequest } from '../shared/http/apiRequest.js';
import type { ApiResponse } from '../shared/http/httpHandler.js';
import { toPublicUpload } from '../shared/uploadRecord.js';
import { uploadIdFromPath } from '../shared/validation/uploadId.js';
import { CANCELLABLE_STATUSES, cancelUpload } from './cancelUpload.js';
import { removeUpload } from './removeUpload.js';

/**
 * `DELETE /uploads/{id}`. An unfinished upload (initiated, uploaded, processing) is cancelled:
 * 200 with the `cancelled` record, which stays so the client and subscribers see the outcome.
 * A finished one (ready, failed, cancelled, expired) is removed with its original and outputs:
 * 204. A DELETE retried after a crash therefore finishes the job, and a second DELETE of a
 * cancelled upload removes it.
 */
export async function deleteUpload(request: ApiRequest): Promise<ApiResponse> {
  const uploadId = uploadIdFromPath(request.pathParameters);
  const record = await getUploadRecord(uploadId, request.ownerId);
  if (!CANCELLABLE_STATUSES.includes(record.status)) {
    await removeUpload(record, request.ownerId);
    return { statusCode: 204 };
  }
  try {
    return { statusCode: 200, body: toPublicUpload(await cancelUpload(record, request.ownerId)) };
  } catch (error) {
    if (!(error instanceof InvalidStateError)) throw error;
  }
  // It finished between the read and the cancel: remove it like any finished upload.
  await removeUpload(await getUploadRecord(uploadId, request.ownerId), request.ownerId);
  return { statusCode: 204 };
}
