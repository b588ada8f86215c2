import { GetObjectCommand } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { uploadsBucketName } from '../shared/config.js';
import { s3 } from '../shared/s3.js';

const bucket = uploadsBucketName();

/** Longer than any invocation (at most 15 minutes), so a URL never expires under a running ffmpeg. */
export const SOURCE_URL_EXPIRY_SECONDS = 3600;

/**
 * A presigned GET of the original for ffprobe and ffmpeg: they read it with HTTP range
 * requests, so probing and posters fetch only the bytes they need and nothing is downloaded
 * to /tmp first.
 */
export function presignSource(key: string): Promise<string> {
  return getSignedUrl(s3, new GetObjectCommand({ Bucket: bucket, Key: key }), { expiresIn: SOURCE_URL_EXPIRY_SECONDS });
}
