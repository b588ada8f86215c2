import { uploadsBucketName } from './config.js';
import { InvalidStateError, TooLargeError, ValidationError } from './errors.js';
import { listUploadedParts } from './listUploadedParts.js';
import type { UploadPolicy } from './mediaPolicy.js';
import { partPlanOf } from './partPlan.js';
import { presignParts, type SignedPart } from './presignParts.js';
import type { UploadRecord } from './uploadRecord.js';

const bucket = uploadsBucketName();

/**
 * How many parts past the highest part S3 holds an upload of undeclared size gets URLs for. Its
 * URLs sign no length, so each may carry up to 5 GiB: the window, not the part count (10,000),
 * bounds what a client holds URLs for at once. Uppy asks for a part's URL as it starts it, at
 * most `limit` (default 6) at a time, so a real client never comes near it.
 */
export const OPEN_PART_WINDOW = 16;

/**
 * Part URLs for an upload's own owner (the caller read the record owner-scoped), for both ways
 * of asking: `POST /uploads/{id}/parts` and the Companion routes. Only while the upload is
 * `initiated` and before its deadline (else 409 INVALID_STATE), and only for parts of its plan
 * (else 400 INVALID_PART_NUMBERS).
 *
 * A declared size: each URL signs its part's exact length, so S3 refuses a part of any other
 * size. An `open` upload: the length is left unsigned, and no URL is handed out once S3 holds
 * more than the size limit (413 TOO_LARGE), and only for parts up to `OPEN_PART_WINDOW` past the
 * highest part S3 holds (else 400 INVALID_PART_NUMBERS), so a client that does not declare its
 * size can overshoot the limit by at most that window of parts; complete checks the total.
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
    const highest = held.reduce((max, part) => Math.max(max, part.partNumber), 0);
    const ahead = partNumbers.filter((partNumber) => partNumber > highest + OPEN_PART_WINDOW);
    if (ahead.length > 0) {
      throw new ValidationError(
        `Upload ${uploadId} declared no size, so its part URLs reach at most ${OPEN_PART_WINDOW} parts past the highest part S3 holds (${highest}); ask for part ${ahead.join(', ')} once the parts before it are uploaded`,
        'INVALID_PART_NUMBERS',
      );
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
