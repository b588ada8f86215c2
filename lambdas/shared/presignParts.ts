import type { S3Client } from '@aws-sdk/client-s3';
import { S3_MAX_PART_COUNT } from './mediaPolicy.js';
import { s3 } from './s3.js';
import { queryTemplate, renderQuery } from './signing/queryTemplate.js';
import {
  amzDates,
  credentialScope,
  hmacSha256Hex,
  MAX_PRESIGNED_EXPIRY_SECONDS,
  SIGV4_ALGORITHM,
  sha256Hex,
  signingKey,
  UNSIGNED_PAYLOAD,
  uriEscape,
} from './signing/sigV4.js';
import { resolveUploadPartSigning } from './signing/resolveUploadPartSigning.js';

/**
 * One part to sign. With `contentLength` the URL signs it, so the client must PUT exactly this
 * many bytes; without it the length is left unsigned (S3 still caps a part at 5 GiB), for
 * uploads whose size was not declared. The parts of one call either all carry a length or none do.
 */
export interface PartToSign {
  readonly partNumber: number;
  readonly contentLength?: number;
  /**
   * The part's CRC-32C (base64). The URL then signs `x-amz-checksum-crc32c`: S3 refuses a PUT
   * without that header value (403) and bytes that do not hash to it (400 BadDigest). Parts of
   * one call either all carry one or none do.
   */
  readonly checksumCRC32C?: string;
}

/** Four bytes in base64, as S3 writes a CRC-32C; anything else would make a URL no PUT can use. */
export const CRC32C_BASE64 = /^[A-Za-z0-9+/]{5}[AQgw]==$/;

export interface PresignPartsInput {
  readonly bucket: string;
  readonly key: string;
  readonly multipartUploadId: string;
  readonly parts: readonly PartToSign[];
  readonly expiresInSeconds: number;
}

export interface SignedPart {
  readonly partNumber: number;
  readonly url: string;
}

export interface PresignPartsOptions {
  /** @default - the shared client from `s3.ts` (its region, credentials and endpoint) */
  readonly client?: S3Client;
  /** When the URLs' lifetime starts. @default - now */
  readonly signingDate?: Date;
}


/**
 * Presigned `PUT` UploadPart URLs, the same bytes `SignatureV4.presign` (and `getSignedUrl`
 * without flexible checksums) would produce, at a fraction of the cost: the endpoint, the
 * credentials and the day's signing key are resolved once per call, and each part costs one
 * SHA-256 of its canonical request and one HMAC. Only `partNumber`, `Content-Length` and the
 * signature differ between parts (and the checksum header, when parts have one). The URLs carry
 * no checksum query parameters, so a client PUTs the raw bytes with `Content-Length` and, for a
 * checksum part, the signed `x-amz-checksum-crc32c` header.
 */
export async function presignParts(input: PresignPartsInput, options: PresignPartsOptions = {}): Promise<SignedPart[]> {
  const { bucket, key, multipartUploadId, parts, expiresInSeconds } = input;
  if (!Number.isInteger(expiresInSeconds) || expiresInSeconds < 1 || expiresInSeconds > MAX_PRESIGNED_EXPIRY_SECONDS) {
    throw new RangeError(`expiresInSeconds must be an integer from 1 to ${MAX_PRESIGNED_EXPIRY_SECONDS}, got ${expiresInSeconds}`);
  }
  for (const { partNumber, contentLength } of parts) {
    if (!Number.isInteger(partNumber) || partNumber < 1 || partNumber > S3_MAX_PART_COUNT) {
      throw new RangeError(`partNumber must be an integer from 1 to ${S3_MAX_PART_COUNT}, got ${partNumber}`);
    }
    if (contentLength !== undefined && (!Number.isSafeInteger(contentLength) || contentLength < 0)) {
      throw new RangeError(`contentLength of part ${partNumber} must be a non-negative integer, got ${contentLength}`);
    }
  }
  for (const { partNumber, checksumCRC32C } of parts) {
    if (checksumCRC32C !== undefined && !CRC32C_BASE64.test(checksumCRC32C)) {
      throw new RangeError(`checksumCRC32C of part ${partNumber} must be 4 bytes in base64, got ${JSON.stringify(checksumCRC32C)}`);
    }
  }
  if (parts.length === 0) return [];
  const signsLength = parts[0]!.contentLength !== undefined;
  if (parts.some((part) => (part.contentLength !== undefined) !== signsLength)) {
    throw new RangeError('Either every part to sign has a contentLength or none has');
  }
  const signsChecksum = parts[0]!.checksumCRC32C !== undefined;
  if (parts.some((part) => (part.checksumCRC32C !== undefined) !== signsChecksum)) {
    throw new RangeError('Either every part to sign has a checksumCRC32C or none has');
  }
  // Canonical headers are sorted by name: content-length, host, x-amz-checksum-crc32c.
  const signedHeaders = [signsLength && 'content-length', 'host', signsChecksum && 'x-amz-checksum-crc32c'].filter(Boolean).join(';');

  const client = options.client ?? s3;
  const signing = await resolveUploadPartSigning(client, bucket, key, multipartUploadId);
  const { credentials } = signing;
  const { longDate, shortDate } = amzDates(options.signingDate ?? new Date());
  const scope = credentialScope(shortDate, signing.signingRegion, signing.signingService);
  const daySigningKey = signingKey(credentials.secretAccessKey, shortDate, signing.signingRegion, signing.signingService);

  const signedQuery: Record<string, string> = {
    ...signing.query,
    'X-Amz-Algorithm': SIGV4_ALGORITHM,
    'X-Amz-Content-Sha256': UNSIGNED_PAYLOAD,
    'X-Amz-Credential': `${credentials.accessKeyId}/${scope}`,
    'X-Amz-Date': longDate,
    'X-Amz-Expires': String(expiresInSeconds),
    'X-Amz-SignedHeaders': signedHeaders,
  };
  if (credentials.sessionToken) signedQuery['X-Amz-Security-Token'] = credentials.sessionToken;

  // The canonical query sorts escaped names; the URL (like the SDK's formatUrl) sorts raw names.
  const canonicalQuery = queryTemplate(signedQuery, ['partNumber'], uriEscape, uriEscape);
  const urlQuery = queryTemplate(signedQuery, ['partNumber', 'X-Amz-Signature'], uriEscape, (name) => name);
  const canonicalHead = `PUT\n${signing.path}\n`;
  const hostHeader = `host:${signing.host}\n`;
  const canonicalTail = `\n${signedHeaders}\n${UNSIGNED_PAYLOAD}`;
  const stringToSignHead = `${SIGV4_ALGORITHM}\n${longDate}\n${scope}\n`;
  const urlHead = `${signing.protocol}//${signing.host}${signing.path}?`;

  return parts.map(({ partNumber, contentLength, checksumCRC32C }) => {
    const number = String(partNumber);
    const lengthHeader = contentLength === undefined ? '' : `content-length:${contentLength}\n`;
    const checksumHeader = checksumCRC32C === undefined ? '' : `x-amz-checksum-crc32c:${checksumCRC32C}\n`;
    const canonicalHeaders = `${lengthHeader}${hostHeader}${checksumHeader}`;
    const canonicalRequest = `${canonicalHead}${renderQuery(canonicalQuery, { partNumber: number })}\n${canonicalHeaders}${canonicalTail}`;
    const signature = hmacSha256Hex(daySigningKey, stringToSignHead + sha256Hex(canonicalRequest));
    return { partNumber, url: urlHead + renderQuery(urlQuery, { partNumber: number, 'X-Amz-Signature': signature }) };
  });
}
