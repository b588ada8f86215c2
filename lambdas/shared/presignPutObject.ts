import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { s3Endpoint } from './config.js';

const localEndpoint = s3Endpoint();

/**
 * A client for presigning PutObject only. Checksums are computed only when an operation requires
 * them: with the SDK's default, the URL would carry the checksum of an empty body, and S3 would
 * refuse the real one.
 */
const signer = new S3Client({
  ...(localEndpoint ? { endpoint: localEndpoint, forcePathStyle: true } : {}),
  requestChecksumCalculation: 'WHEN_REQUIRED',
});

export interface PutObjectToSign {
  readonly bucket: string;
  readonly key: string;
  /** Signed: S3 refuses a body of any other length. */
  readonly contentLength: number;
  readonly expiresInSeconds: number;
  readonly signingDate: Date;
}

/** A presigned PUT of a whole object of exactly `contentLength` bytes (a single-request upload). */
export function presignPutObject(input: PutObjectToSign): Promise<string> {
  return getSignedUrl(signer, new PutObjectCommand({ Bucket: input.bucket, Key: input.key, ContentLength: input.contentLength }), {
    expiresIn: input.expiresInSeconds,
    signingDate: input.signingDate,
    signableHeaders: new Set(['content-length']),
  });
}
