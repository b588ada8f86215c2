import { uploadPolicy } from '../shared/config.js';
import { companionPartNumber } from '../shared/companion/companionPartNumber.js';
import { companionUploadId } from '../shared/companion/companionUploadId.js';
import { ValidationError } from '../shared/errors.js';
import { getUploadRecord } from '../shared/getUploadRecord.js';
import type { ApiRequest } from '../shared/http/apiRequest.js';
import type { ApiResponse } from '../shared/http/httpHandler.js';
import { signUploadParts } from '../shared/signUploadParts.js';
import { describeValue } from '../shared/validation/describeValue.js';

/** `GET /s3/multipart/{id}/batch` answer: each part's URL by its number. */
export interface CompanionSignedParts {
  readonly presignedUrls: Readonly<Record<string, string>>;
}

/**
 * `GET /s3/multipart/{id}/batch?key=&partNumbers=1,2` (Companion's batch sign): the URLs of 1 to
 * `maxPartUrlsPerResponse` distinct parts, by the rules of `POST /uploads/{id}/parts`.
 */
export async function companionSignParts(request: ApiRequest): Promise<ApiResponse> {
  const uploadId = companionUploadId(request);
  const policy = uploadPolicy();
  const partNumbers = parseBatchPartNumbers(request.query.partNumbers, policy.maxPartUrlsPerResponse);
  const record = await getUploadRecord(uploadId, request.ownerId);
  const parts = await signUploadParts(record, partNumbers, policy, new Date());
  const answer: CompanionSignedParts = { presignedUrls: Object.fromEntries(parts.map((part) => [String(part.partNumber), part.url])) };
  return { statusCode: 200, body: answer };
}

function parseBatchPartNumbers(value: string | undefined, maxCount: number): number[] {
  const items = value === undefined || value === '' ? [] : value.split(',');
  if (items.length === 0 || items.length > maxCount) {
    throw new ValidationError(`partNumbers must list 1 to ${maxCount} part numbers, separated by commas; got ${describeValue(value)}`, 'INVALID_PART_NUMBERS');
  }
  const numbers = items.map(companionPartNumber);
  if (new Set(numbers).size !== numbers.length) {
    throw new ValidationError(`partNumbers must not repeat a part; got ${describeValue(value)}`, 'INVALID_PART_NUMBERS');
  }
  return numbers;
}
