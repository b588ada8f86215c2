import { startNewUpload } from '../create-upload/createUpload.js';
import { uploadPolicy } from '../shared/config.js';
import type { ApiRequest } from '../shared/http/apiRequest.js';
import type { ApiResponse } from '../shared/http/httpHandler.js';
import { parseCompanionCreateBody } from './parseCompanionCreateBody.js';

/** `POST /s3/multipart` answer: the upload id, which Companion clients also send back as the key. */
export interface CompanionCreated {
  readonly key: string;
  readonly uploadId: string;
}

/**
 * `POST /s3/multipart` (Companion's create): starts an upload exactly as `POST /uploads` does
 * (same checks, same per-user limits, nothing written on a refusal), without part URLs in the
 * answer: Uppy asks for each part's URL as it goes.
 */
export async function companionCreate(request: ApiRequest): Promise<ApiResponse> {
  const policy = uploadPolicy();
  const { body, sizeMode } = parseCompanionCreateBody(request.body, policy);
  const created = await startNewUpload(request.ownerId, body, policy, { signFirstParts: false, ...(sizeMode ? { sizeMode } : {}) });
  const answer: CompanionCreated = { key: created.uploadId, uploadId: created.uploadId };
  return { statusCode: 200, body: answer };
}
