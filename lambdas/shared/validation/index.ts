export { describeValue } from './describeValue.js';
export { type PartNumberLimits, parsePartNumbers, partNumbersSchema } from './partNumbers.js';
export { isUploadId, newUploadId, UPLOAD_ID_PATTERN, uploadIdFromPath, uploadIdSchema } from './uploadId.js';
