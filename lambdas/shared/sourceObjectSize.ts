import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { uploadsBucketName } from './config.js';
import { s3 } from './s3.js';

const bucket = uploadsBucketName();

/**
 * The size in bytes of an upload's original in the uploads bucket, or undefined while it does
 * not exist. Its presence after the multipart upload is gone means S3 completed it.
 *
 * A listing under the key itself, not a HEAD: a HEAD needs s3:GetObject (the right to read the
 * bytes) and, to tell a missing key (404) from a forbidden one (403), s3:ListBucket on the whole
 * bucket. A listing needs only s3:ListBucket, which the functions hold with an `s3:prefix`
 * condition that matches one original's key and nothing shorter, so none of them can enumerate
 * the bucket. Keys are server-made, so the first listed key is the original or a longer key.
 */
export async function sourceObjectSize(key: string): Promise<number | undefined> {
  const { Contents } = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: key, MaxKeys: 1 }));
  const found = Contents?.[0];
  return found?.Key === key ? (found.Size ?? 0) : undefined;
}
