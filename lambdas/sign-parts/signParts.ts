import { uploadPolicy } from '../shared/config.js';
import { getUploadRecord } from '../shared/getUploadRecord.js';
import type { ApiRequest } from '../shared/http/apiRequest.js';
import type { ApiResponse } from '../shared/http/httpHandler.js';
import type { SignedPart } from '../shared/presignParts.js';
import { presignedUrlExpiry } from '../shared/signing/presignedUrlExpiry.js';
import { signUploadParts } from '../shared/signUploadParts.js';
import { uploadIdFromPath } from '../shared/validation/uploadId.js';
import { parseSignPartsBody } from './parseSignPartsBody.js';

/** `POST /uploads/{id}/parts` answer (200). */
export interface SignedParts {
  readonly parts: readonly SignedPart[];
  readonly partUrlsExpireAt: string;
}

/**
 * `POST /uploads/{id}/parts`: fresh URLs for the parts a client still has to send (to resume,
 * or because the first URLs expired), or for a checksum upload the URL of each part the client
 * has read and hashed. Only the owner gets them (anyone else gets 404); the rules are
 * `signUploadParts`'s.
 */
export async function signParts(request: ApiRequest): Promise<ApiResponse> {
  const uploadId = uploadIdFromPath(request.pathParameters);
  const policy = uploadPolicy();
  const { partNumbers, checksums } = parseSignPartsBody(request.body, policy.maxPartUrlsPerResponse);

  const record = await getUploadRecord(uploadId, request.ownerId);
  const now = new Date();
  const parts = await signUploadParts(record, partNumbers, policy, now, checksums);
  const signed: SignedParts = { parts, partUrlsExpireAt: presignedUrlExpiry(now, policy.partUrlExpirySeconds) };
  return { statusCode: 200, body: signed };
}
