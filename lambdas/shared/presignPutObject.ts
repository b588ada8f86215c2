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

/**
 * What the client must send with the PUT, as signed: S3's conditional write refuses (412) to
 * replace an object under the key, so the URL writes the original once. Without it, a client
 * could PUT other bytes over an original that was already scanned, checked or being processed,
 * for as long as the URL is valid.
 */
export const PUT_ONCE_HEADERS = { 'if-none-match': '*' } as const;

/**
 * A presigned PUT of a whole object of exactly `contentLength` bytes (a single-request upload),
 * which must carry `PUT_ONCE_HEADERS`.
 */
export function presignPutObject(input: PutObjectToSign): Promise<string> {
  return getSignedUrl(signer, new PutObjectCommand({ Bucket: input.bucket, Key: input.key, ContentLength: input.contentLength, IfNoneMatch: '*' }), {
    expiresIn: input.expiresInSeconds,
    signingDate: input.signingDate,
    signableHeaders: new Set(['content-length', 'if-none-match']),
  });
}
