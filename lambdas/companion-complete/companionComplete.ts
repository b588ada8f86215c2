import { completeUpload } from '../complete-upload/completeUpload.js';
import { companionUploadId } from '../shared/companion/companionUploadId.js';
import type { ApiRequest } from '../shared/http/apiRequest.js';
import type { ApiResponse } from '../shared/http/httpHandler.js';
import { parseCompanionCompleteBody } from './parseCompanionCompleteBody.js';

/** `POST /s3/multipart/{id}/complete` answer: where the upload's record is, relative to the API. */
export interface CompanionCompleted {
  readonly location: string;
}

/**
 * `POST /s3/multipart/{id}/complete?key=` (Companion's complete): `POST /uploads/{id}/complete`
 * with the client's parts, so every check of that route holds (parts in S3 with these ETags, the
 * total size, an open upload sized from its parts). Answers the upload's location in this API,
 * `/uploads/{id}`, where its state, and once ready its media, can be read.
 */
export async function companionComplete(request: ApiRequest): Promise<ApiResponse> {
  const uploadId = companionUploadId(request);
  const parts = parseCompanionCompleteBody(request.body);
  await completeUpload({ ...request, pathParameters: { id: uploadId }, body: { parts } });
  const answer: CompanionCompleted = { location: `/uploads/${uploadId}` };
  return { statusCode: 200, body: answer };
}
