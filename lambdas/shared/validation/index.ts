export { describeValue } from './describeValue.js';
export { FILENAME_MAX_CHARACTERS, filenameSchema, parseFilename } from './filename.js';
export { METADATA_KEY_PATTERN, parseMetadata } from './metadata.js';
export { type PartNumberLimits, parsePartNumbers, partNumbersSchema } from './partNumbers.js';
export { isUploadId, newUploadId, UPLOAD_ID_PATTERN, uploadIdFromPath, uploadIdSchema } from './uploadId.js';
