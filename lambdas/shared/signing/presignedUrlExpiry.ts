/**
 * When URLs presigned at `signingDate` for `expiresInSeconds` stop working (ISO-8601). The
 * signature's `X-Amz-Date` drops milliseconds, so S3 counts from the whole second before:
 * the time told to clients must not be later than that.
 */
export function presignedUrlExpiry(signingDate: Date, expiresInSeconds: number): string {
  return new Date(Math.floor(signingDate.getTime() / 1000) * 1000 + expiresInSeconds * 1000).toISOString();
}
