import type { LocalCredentials } from '../localDefaults.js';
import type { S3ErrorInfo } from './s3ErrorXml.js';
import type { ReceivedRequest } from '../sigv4/sigV4Checks.js';
import { verifyAuthorizationHeader } from '../sigv4/verifyAuthorizationHeader.js';
import { isPresigned, verifyPresignedUrl } from './verifyPresignedUrl.js';

/** A request with the bucket and key its path names. */
export type S3Request = ReceivedRequest & { readonly bucket: string; readonly key: string | undefined };

export interface S3RequestAccess {
  /** The one key pair requests may be signed with. */
  readonly credentials: LocalCredentials;
  /**
   * Buckets whose objects anyone may GET or HEAD unsigned (no query): in the stack the CDN serves
   * the media bucket to anyone, and locally players read outputs straight from the emulator instead.
   */
  readonly publicReadBuckets: ReadonlySet<string>;
  readonly now: Date;
}

/**
 * Decides whether the S3 emulator serves a request, the way S3 does for a private bucket: a
 * request must be signed with the local key, either presigned (SigV4 query parameters) or in
 * its `Authorization` header (SigV4), and the signature must verify. Unsigned, it is 403
 * AccessDenied, except a GET or HEAD of an object in a public-read bucket. CORS preflights
 * never get here: they carry no credentials on S3 either. Returns the error to answer with,
 * or undefined when the request may go on.
 */
export async function authorizeS3Request(
  request: S3Request,
  access: S3RequestAccess,
): Promise<S3ErrorInfo | undefined> {
  const { query, headers } = request;
  const authorization = Array.isArray(headers.authorization) ? headers.authorization.join(',') : headers.authorization;
  const presigned = isPresigned(query);
  // SigV2 query authentication (`AWSAccessKeyId` + `Signature`), which S3 no longer accepts for new buckets.
  const presignedV2 = query.has('Signature') || query.has('AWSAccessKeyId');
  const mechanisms = [presigned, authorization !== undefined, presignedV2].filter(Boolean).length;

  if (mechanisms > 1) {
    return {
      status: 400,
      code: 'InvalidArgument',
      message:
        'Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, Signature query string parameter or the Authorization header should be specified',
      detail: { ArgumentName: 'Authorization', ArgumentValue: authorization ?? '' },
    };
  }
  if (presigned) return verifyPresignedUrl(request, access.credentials, access.now);
  if (authorization !== undefined) return verifyAuthorizationHeader(request, authorization, access.credentials, access.now);
  if (presignedV2) {
    return {
      status: 400,
      code: 'InvalidRequest',
      message: 'The authorization mechanism you have provided is not supported. Please use AWS4-HMAC-SHA256.',
    };
  }
  return isPublicRead(request, access.publicReadBuckets) ? undefined : { status: 403, code: 'AccessDenied', message: 'Access Denied' };
}

/**
 * A plain read of one object in a public-read bucket, what a CDN would serve. Any query
 * parameter names a subresource or another operation (`?uploadId=` is ListParts, `?acl`,
 * `?tagging`), which public read does not cover.
 */
function isPublicRead(request: S3Request, buckets: ReadonlySet<string>): boolean {
  const reads = request.method === 'GET' || request.method === 'HEAD';
  return reads && Boolean(request.key) && buckets.has(request.bucket) && [...request.query.keys()].length === 0;
}
