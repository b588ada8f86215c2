import { uploadPolicy } from '../shared/config.js';
import { companionPartNumber } from '../shared/companion/companionPartNumber.js';
import { companionUploadId } from '../shared/companion/companionUploadId.js';
import { getUploadRecord } from '../shared/getUploadRecord.js';
import type { ApiRequest } from '../shared/http/apiRequest.js';
import type { ApiResponse } from '../shared/http/httpHandler.js';
import { signUploadParts } from '../shared/signUploadParts.js';

/** `GET /s3/multipart/{id}/{partNumber}` answer: the part's URL and its lifetime in seconds. */
export interface CompanionSignedPart {
  readonly url: string;
  readonly expires: number;
}

/**
 * `GET /s3/multipart/{id}/{partNumber}?key=` (Companion's sign part): one part's URL, by the
 * rules of `POST /uploads/{id}/parts` (`signUploadParts`), for the owner only (404 otherwise).
 */
export async function companionSignPart(request: ApiRequest): Promise<ApiResponse> {
  const uploadId = companionUploadId(request);
  const partNumber = companionPartNumber(request.pathParameters.partNumber);
  const policy = uploadPolicy();
  const record = await getUploadRecord(uploadId, request.ownerId);
  const [part] = await signUploadParts(record, [partNumber], policy, new Date());
  const answer: CompanionSignedPart = { url: part!.url, expires: policy.partUrlExpirySeconds };
  return { statusCode: 200, body: answer };
}
