import { AbortMultipartUploadCommand } from '@aws-sdk/client-s3';
import { uploadsBucketName } from './config.js';
import { s3 } from './s3.js';
import { isNoSuchUpload } from './s3Errors.js';

const bucket = uploadsBucketName();

/**
 * Aborts a multipart upload so S3 drops its parts. A multipart upload S3 no longer knows
 * (already aborted or completed) counts as done, so a retried cancel or expiry never fails on it.
 */
export async function abortMultipartUpload(key: string, multipartUploadId: string): Promise<void> {
  try {
    await s3.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: multipartUploadId }));
  } catch (error) {
    if (!isNoSuchUpload(error)) throw error;
  }
}
