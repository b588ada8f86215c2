/**
 * Recognises the S3 errors the upload routes treat as answers rather than faults. They are
 * matched by name: S3 reports `NoSuchUpload` for ListParts and CompleteMultipartUpload too,
 * where the SDK does not model it.
 */
function hasName(error: unknown, ...names: readonly string[]): boolean {
  return typeof error === 'object' && error !== null && names.includes((error as { name?: unknown }).name as string);
}

/** S3 computed another checksum than the one the request carried (a part's, or a whole file's at complete). */
export function isBadDigest(error: unknown): boolean {
  return hasName(error, 'BadDigest');
}

/** S3 no longer knows the multipart upload: it was completed or aborted. */
export function isNoSuchUpload(error: unknown): boolean {
  return hasName(error, 'NoSuchUpload');
}


/**
 * S3 has no such object, as a reader without s3:ListBucket hears it: S3 answers a missing key with
 * AccessDenied (403) to anyone who may not list the bucket, and NoSuchKey only to those who may.
 */
export function isMissingObject(error: unknown): boolean {
  return hasName(error, 'NoSuchKey', 'NotFound', 'AccessDenied');
}
