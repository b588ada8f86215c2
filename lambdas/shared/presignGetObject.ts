import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { s3Endpoint } from './config.js';

const localEndpoint = s3Endpoint();

/**
 * A client for presigning GetObject only. With the SDK's default response checksum validation
 * the URL would carry `x-amz-checksum-mode=ENABLED`, asking S3 for checksum headers that only
 * an SDK reads (and that a ranged GET cannot have); the URL is for browsers and curl.
 */
const signer = new S3Client({
  ...(localEndpoint ? { endpoint: localEndpoint, forcePathStyle: true } : {}),
  requestChecksumCalculation: 'WHEN_REQUIRED',
  responseChecksumValidation: 'WHEN_REQUIRED',
});

export interface GetObjectToSign {
  readonly bucket: string;
  readonly key: string;
  /** The `Content-Disposition` S3 answers with (`response-content-disposition`, part of the signature). */
  readonly contentDisposition: string;
  /** The `Content-Type` S3 answers with (`response-content-type`, part of the signature). */
  readonly contentType: string;
  readonly expiresInSeconds: number;
  readonly signingDate: Date;
}

/**
 * A presigned GET of a whole object, answered with the given `Content-Disposition` and
 * `Content-Type`. Only `host` is signed, so a client may add `Range` (206 with those bytes)
 * or `If-Match` to resume, and may fetch it any number of times until it expires.
 */
export function presignGetObject(input: GetObjectToSign): Promise<string> {
  const command = new GetObjectCommand({
    Bucket: input.bucket,
    Key: input.key,
    ResponseContentDisposition: input.contentDisposition,
    ResponseContentType: input.contentType,
  });
  return getSignedUrl(signer, command, { expiresIn: input.expiresInSeconds, signingDate: input.signingDate });
}
