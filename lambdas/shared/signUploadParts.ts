import { uploadsBucketName } from './config.js';
import { InvalidStateError, TooLargeError, ValidationError } from './errors.js';
import { listUploadedParts } from './listUploadedParts.js';
import type { UploadPolicy } from './mediaPolicy.js';
import { partPlanOf } from './partPlan.js';
import { presignParts, type SignedPart } from './presignParts.js';
import type { UploadRecord } from './uploadRecord.js';

const bucket = uploadsBucketName();

/**
 * Part URLs for an upload's own owner (the caller read the record owner-scoped), for both ways
 * of asking: `POST /uploads/{id}/parts` and the Companion routes. Only while the upload is
 * `initiated` and before its deadline (else 409 INVALID_STATE), and only for parts of its plan
 * (else 400 INVALID_PART_NUMBERS).
 *
 * A declared size: each URL signs its part's exact length, so S3 refuses a part of any other
 * size. An `open` upload: the length is left unsigned, and no URL is handed out once S3 holds
 * more than the size limit (413 TOO_LARGE), so a client that does not declare its size can
 * overshoot the limit by at most the parts it holds URLs for; complete checks the total.
 *
 * A checksum upload (`checksumAlgorithm`): every part comes with its CRC-32C, which its URL
 * signs (else 400 CHECKSUM_REQUIRED); an upload created without checksums takes none (400
 * CHECKSUM_UNEXPECTED), as S3 would refuse a checksum its multipart upload was not created for.
 */
export async function signUploadParts(
  record: UploadRecord,
  partNumbers: readonly number[],
  policy: UploadPolicy,
  now: Date,
  checksums?: ReadonlyMap<number, string>,
): Promise<SignedPart[]> {
  const { uploadId } = record;
  if (record.status !== 'initiated') {
    throw new InvalidStateError(`Upload ${uploadId} is ${record.status}; part URLs are only handed out while it is initiated`, record.status);
  }
  if (now.getTime() >= Date.parse(record.expiresAt)) {
    // The expiry job may not have run yet; handing out URLs now would only let the client
    // send bytes into an upload that is about to be aborted.
    throw new InvalidStateError(`Upload ${uploadId} expired at ${record.expiresAt}; start a new upload`, record.status);
  }
  const beyond = partNumbers.filter((partNumber) => partNumber > record.partCount);
  if (beyond.length > 0) {
    throw new ValidationError(`Upload ${uploadId} has ${record.partCount} parts; there is no part ${beyond.join(', ')}`, 'INVALID_PART_NUMBERS');
  }
  const { multipartUploadId } = record;
  if (multipartUploadId === undefined) {
    // A single-PUT upload (GET /s3/params) has no parts: its one URL was handed out at create.
    throw new InvalidStateError(`Upload ${uploadId} is one PUT of the whole file, not a multipart upload; it has no parts to sign`, record.status);
  }

  if (record.checksumAlgorithm !== undefined && checksums === undefined) {
    throw new ValidationError(
      `Upload ${uploadId} was created with checksumAlgorithm ${record.checksumAlgorithm}: ask for its part URLs with { parts: [{ partNumber, checksumCRC32C }] }`,
      'CHECKSUM_REQUIRED',
    );
  }
  if (record.checksumAlgorithm === undefined && checksums !== undefined) {
    throw new ValidationError(`Upload ${uploadId} was created without checksumAlgorithm; its part URLs sign no checksum`, 'CHECKSUM_UNEXPECTED');
  }

  let parts: { partNumber: number; contentLength?: number }[];
  if (record.sizeMode === 'open') {
    const held = (await listUploadedParts(record.sourceKey, multipartUploadId)) ?? [];
    const heldBytes = held.reduce((sum, part) => sum + part.size, 0);
    if (heldBytes > policy.maxFileSize) {
      throw new TooLargeError(`S3 already holds ${heldBytes} bytes of upload ${uploadId}, over the limit of ${policy.maxFileSize} bytes`);
    }
    parts = partNumbers.map((partNumber) => ({ partNumber }));
  } else {
    const plan = partPlanOf(record.size, record.partSize);
    parts = partNumbers.map((partNumber) => ({ partNumber, contentLength: plan.partLength(partNumber) }));
  }
  const withChecksums = checksums === undefined ? parts : parts.map((part) => ({ ...part, checksumCRC32C: checksums.get(part.partNumber) as string }));
  return presignParts(
    { bucket, key: record.sourceKey, multipartUploadId, parts: withChecksums, expiresInSeconds: policy.partUrlExpirySeconds },
    { signingDate: now },
  );
}
