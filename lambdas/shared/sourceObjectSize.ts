import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { uploadsBucketName } from './config.js';
import { s3 } from './s3.js';
import { isMissingObject } from './s3Errors.js';

const bucket = uploadsBucketName();

/**
 * The size in bytes of an upload's original in the uploads bucket, or undefined while it does
 * not exist. Its presence after the multipart upload is gone means S3 completed it.
 */
export async function sourceObjectSize(key: string): Promise<number | undefined> {
  try {
    const { ContentLength } = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    return ContentLength ?? 0;
  } catch (error) {
    if (isMissingObject(error)) return undefined;
    throw error;
  }
}
