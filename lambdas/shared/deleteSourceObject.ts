import { DeleteObjectCommand } from '@aws-sdk/client-s3';
import { uploadsBucketName } from './config.js';
import { s3 } from './s3.js';

const bucket = uploadsBucketName();

/** Deletes an upload's original; S3 answers a missing key with success, so retries are safe. */
export async function deleteSourceObject(key: string): Promise<void> {
  await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
}
