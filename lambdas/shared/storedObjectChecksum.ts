import { GetObjectAttributesCommand } from '@aws-sdk/client-s3';
import { uploadsBucketName } from './config.js';
import { logger } from './logger.js';
import { s3 } from './s3.js';
import type { ObjectChecksum, UploadRecord } from './uploadRecord.js';

const bucket = uploadsBucketName();

/**
 * The FULL_OBJECT CRC-32C S3 keeps with an upload's original: the value it verified when it
 * completed the multipart upload, for a complete that crashed before it could record it.
 * GetObjectAttributes, not a HEAD with checksum mode: it needs only s3:GetObjectAttributes,
 * where a HEAD needs s3:GetObject, the right to read the bytes. Undefined, with the reason
 * logged, when S3 keeps no such checksum (none, another algorithm, or a COMPOSITE one): the
 * record then says nothing rather than something S3 did not verify.
 */
export async function storedObjectChecksum(key: string, uploadId: string): Promise<ObjectChecksum | undefined> {
  const { Checksum } = await s3.send(new GetObjectAttributesCommand({ Bucket: bucket, Key: key, ObjectAttributes: ['Checksum'] }));
  const value = Checksum?.ChecksumCRC32C;
  if (value !== undefined && Checksum?.ChecksumType === 'FULL_OBJECT') return { algorithm: 'CRC32C', type: 'FULL_OBJECT', value };
  const kept = Object.entries(Checksum ?? {})
    .filter(([, held]) => held !== undefined)
    .map(([name, held]) => `${name} ${String(held)}`);
  logger.warn('S3 keeps no FULL_OBJECT CRC-32C with the completed original; the record gets no checksum', {
    uploadId,
    key,
    checksum: kept.length === 0 ? 'none' : kept.join(', '),
  });
  return undefined;
}

/**
 * What a writer that moves a completed upload to `uploaded` without the client's checksum (a
 * complete's retry after a crash, processing that finds the original first, the expiry job)
 * records with it: S3's verified checksum for a checksum upload, nothing for another.
 */
export async function storedChecksumFields(record: UploadRecord): Promise<{ readonly checksum?: ObjectChecksum }> {
  if (record.checksumAlgorithm === undefined) return {};
  const checksum = await storedObjectChecksum(record.sourceKey, record.uploadId);
  return checksum === undefined ? {} : { checksum };
}
