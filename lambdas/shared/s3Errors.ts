/**
 * Recognises the S3 errors the upload routes treat as answers rather than faults. They are
 * matched by name: S3 reports `NoSuchUpload` for ListParts and CompleteMultipartUpload too,
 * where the SDK does not model it.
 */
function hasName(error: unknown, ...names: readonly string[]): boolean {
  return typeof error === 'object' && error !== null && names.includes((error as { name?: unknown }).name as string);
}

/** S3 no longer knows the multipart upload: it was completed or aborted. */
export function isNoSuchUpload(error: unknown): boolean {
  return hasName(error, 'NoSuchUpload');
}

