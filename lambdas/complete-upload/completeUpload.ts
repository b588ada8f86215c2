import { CompleteMultipartUploadCommand } from '@aws-sdk/client-s3';
import { abortMultipartUpload } from '../shared/abortMultipartUpload.js';
import { uploadPolicy, uploadsBucketName } from '../shared/config.js';
import { deleteSourceObject } from '../shared/deleteSourceObject.js';
import { InvalidStateError, TooLargeError, UnprocessableError, ValidationError } from '../shared/errors.js';
import { getUploadRecord } from '../shared/getUploadRecord.js';
import type { ApiRequest } from '../shared/http/apiRequest.js';
import type { ApiResponse } from '../shared/http/httpHandler.js';
import { listUploadedParts } from '../shared/listUploadedParts.js';
import { logger } from '../shared/logger.js';
import { s3 } from '../shared/s3.js';
import { isBadDigest, isNoSuchUpload } from '../shared/s3Errors.js';
import { sourceObjectSize } from '../shared/sourceObjectSize.js';
import { transition } from '../shared/transition.js';
import { type ObjectChecksum, toPublicUpload, type UploadErrorInfo, type UploadRecord } from '../shared/uploadRecord.js';
import { resizeShare } from '../shared/usage/settleUsage.js';
import { uploadIdFromPath } from '../shared/validation/uploadId.js';
import { checkUploadedParts } from './checkUploadedParts.js';
import { matchClientParts } from './matchClientParts.js';
import { measureOpenUpload, type OpenMeasure } from './measureOpenUpload.js';
import { parseCompleteBody } from './parseCompleteBody.js';
import { storedChecksumFields } from '../shared/storedObjectChecksum.js';

const bucket = uploadsBucketName();

/** States a completed upload can be in: complete has nothing left to do. */
const COMPLETED: ReadonlySet<string> = new Set(['uploaded', 'processing', 'ready']);

/**
 * `POST /uploads/{id}/complete`. ListParts is the truth: missing parts are a 422 that changes
 * nothing (the client uploads them and retries); a wrong size fails the upload and aborts it;
 * otherwise S3 completes the object and the record moves to `uploaded`. An upload that declared
 * no size (`sizeMode: 'open'`) is first sized from its parts (`sizeOpenUpload`), then checked
 * like any other. Safe to retry at any point: an upload already completed answers 200 with its
 * record, and a call that crashed after S3 completed is finished by the next one.
 *
 * A checksum upload needs the whole file's CRC-32C (`checksumCRC32C`, else 400 CHECKSUM_REQUIRED
 * that changes nothing): S3 completes it as a FULL_OBJECT checksum only if the parts it holds
 * combine to that value, and the verified value is kept on the record (`checksum`). When they do
 * not (the source changed between parts, or parts from another file were resumed), S3 refuses,
 * and the upload fails with CHECKSUM_MISMATCH and is aborted, like a wrong size.
 */
export async function completeUpload(request: ApiRequest): Promise<ApiResponse> {
  const uploadId = uploadIdFromPath(request.pathParameters);
  const { parts: clientParts, checksumCRC32C } = parseCompleteBody(request.body);
  let record = await getUploadRecord(uploadId, request.ownerId);
  if (COMPLETED.has(record.status)) return ok(record);
  if (record.status !== 'initiated') {
    throw new InvalidStateError(`Upload ${uploadId} is ${record.status}; only an initiated upload can be completed`, record.status);
  }
  if (record.checksumAlgorithm !== undefined && checksumCRC32C === undefined) {
    throw new ValidationError(`Upload ${uploadId} was created with checksumAlgorithm ${record.checksumAlgorithm}: complete it with the whole file's checksumCRC32C`, 'CHECKSUM_REQUIRED');
  }
  if (record.checksumAlgorithm === undefined && checksumCRC32C !== undefined) {
    throw new ValidationError(`Upload ${uploadId} was created without checksumAlgorithm; S3 cannot check checksumCRC32C for it`, 'CHECKSUM_UNEXPECTED');
  }

  const { multipartUploadId } = record;
  if (multipartUploadId === undefined) return ok(await completeSinglePut(record, request.ownerId));
  const uploaded = await listUploadedParts(record.sourceKey, multipartUploadId);
  if (uploaded === undefined) return ok(await recoverGoneUpload(record, request.ownerId));
  if (clientParts !== undefined) matchClientParts(clientParts, uploaded);
  if (record.sizeMode === 'open') {
    const measure = measureOpenUpload(uploaded, clientParts, uploadPolicy().maxFileSize);
    record = await sizeOpenUpload(record, multipartUploadId, request.ownerId, measure);
  }

  const check = checkUploadedParts(record, uploaded);
  if (check.verdict === 'missing') {
    const more = check.missingCount > check.missing.length ? `, … (${check.missingCount} in all)` : '';
    throw new UnprocessableError(
      `${check.missingCount} of ${record.partCount} parts are not uploaded yet: ${check.missing.join(', ')}${more}`,
      'PARTS_MISSING',
    );
  }
  if (check.verdict === 'sizeMismatch') {
    // The failed state is written first so that it, not a concurrent cancel or expiry, owns the abort.
    await failUpload(record, request.ownerId, { code: 'SIZE_MISMATCH', message: check.message });
    await abortMultipartUpload(record.sourceKey, multipartUploadId);
    throw new UnprocessableError(check.message, 'SIZE_MISMATCH');
  }

  if (record.completingSince === undefined) {
    // Written before S3 is asked, so that Companion's DELETE, which Uppy sends as soon as this
    // call errs (at the gateway's timeout while S3 still completes a large upload, say), cannot
    // cancel the upload and delete the original S3 is making.
    record = await transition(uploadId, 'initiated', 'initiated', { completingSince: new Date().toISOString() }, { ownerId: request.ownerId });
  }
  const checksum: ObjectChecksum | undefined = checksumCRC32C === undefined ? undefined : { algorithm: 'CRC32C', type: 'FULL_OBJECT', value: checksumCRC32C };
  try {
    await s3.send(
      new CompleteMultipartUploadCommand({
        Bucket: bucket,
        Key: record.sourceKey,
        UploadId: multipartUploadId,
        ...(checksum && { ChecksumCRC32C: checksum.value, ChecksumType: checksum.type }),
        MultipartUpload: {
          Parts: check.parts.map((part) => ({
            PartNumber: part.partNumber,
            ETag: part.etag,
            ...(checksum && part.checksumCRC32C !== undefined && { ChecksumCRC32C: part.checksumCRC32C }),
          })),
        },
      }),
    );
  } catch (error) {
    // A concurrent complete got there first.
    if (isNoSuchUpload(error)) return ok(await recoverGoneUpload(record, request.ownerId));
    if (checksum && isBadDigest(error)) {
      const message = `S3 holds a file whose CRC-32C is not ${checksum.value}, the checksum of the file the client read; the upload is aborted: start a new one`;
      await failUpload(record, request.ownerId, { code: 'CHECKSUM_MISMATCH', message });
      await abortMultipartUpload(record.sourceKey, multipartUploadId);
      throw new UnprocessableError(message, 'CHECKSUM_MISMATCH');
    }
    throw error;
  }
  return ok(await markUploaded(record, request.ownerId, checksum));
}

/**
 * Gives an upload that declared no size the size, part size and part count S3 holds, before S3
 * completes it: its owner's usage first (the share reserved the size limit), then the record,
 * so that processing, which claims an upload whose original has the recorded size, finds the
 * real one. Missing parts change nothing (422); a total over the limit or parts S3 could not
 * complete fail the upload and abort it, like a wrong size does.
 */
async function sizeOpenUpload(record: UploadRecord, multipartUploadId: string, ownerId: string, measure: OpenMeasure): Promise<UploadRecord> {
  if (measure.verdict === 'missing') {
    const more = measure.missingCount > measure.missing.length ? `, … (${measure.missingCount} in all)` : '';
    throw new UnprocessableError(
      `${measure.missingCount} of ${measure.partCount} parts are not uploaded yet: ${measure.missing.join(', ')}${more}`,
      'PARTS_MISSING',
    );
  }
  if (measure.verdict !== 'sized') {
    const code = measure.verdict === 'tooLarge' ? 'TOO_LARGE' : 'SIZE_MISMATCH';
    await failUpload(record, ownerId, { code, message: measure.message });
    await abortMultipartUpload(record.sourceKey, multipartUploadId);
    throw measure.verdict === 'tooLarge' ? new TooLargeError(measure.message) : new UnprocessableError(measure.message, code);
  }
  const { size, partSize, partCount } = measure;
  if (record.size === size && record.partSize === partSize && record.partCount === partCount) return record;
  await resizeShare(record, size);
  // The sizing write also marks the upload as being completed (see completeUpload).
  return transition(record.uploadId, 'initiated', 'initiated', { size, partSize, partCount, completingSince: new Date().toISOString() }, { ownerId });
}

function ok(record: UploadRecord): ApiResponse {
  return { statusCode: 200, body: toPublicUpload(record) };
}

/**
 * Moves the record to `uploaded` once S3 holds the object. Processing moves an initiated record
 * with an object to `uploaded` too, so losing to it (or to a concurrent complete) is success.
 * Losing to a cancel or an expiry means the object outlived its upload: it is deleted.
 */
async function markUploaded(record: UploadRecord, ownerId: string, checksum?: ObjectChecksum): Promise<UploadRecord> {
  try {
    return await transition(record.uploadId, 'initiated', 'uploaded', checksum ? { checksum } : {}, { ownerId });
  } catch (error) {
    if (!(error instanceof InvalidStateError)) throw error;
    if (COMPLETED.has(error.currentStatus)) return getUploadRecord(record.uploadId, ownerId);
    if (error.currentStatus === 'cancelled' || error.currentStatus === 'expired') await deleteSourceObject(record.sourceKey);
    throw error;
  }
}

/**
 * An upload started as one PUT (`GET /s3/params`) has no multipart upload to complete: it is
 * complete once S3 holds its file. Before the PUT arrives that is a 422 PARTS_MISSING that
 * changes nothing, as for a multipart upload with parts still to send; a complete called too
 * early must not fail an upload whose PUT URL is still good.
 */
async function completeSinglePut(record: UploadRecord, ownerId: string): Promise<UploadRecord> {
  if ((await sourceObjectSize(record.sourceKey)) === undefined) {
    throw new UnprocessableError(
      `S3 holds no file for upload ${record.uploadId} yet; PUT it to the URL GET /s3/params answered, then complete`,
      'PARTS_MISSING',
    );
  }
  return recoverGoneUpload(record, ownerId);
}

/**
 * S3 no longer knows the multipart upload. If the original exists with the declared size, an
 * earlier complete got S3 to finish and crashed before writing the state: finish that write,
 * with the checksum of a checksum upload as S3 verified and keeps it (`storedChecksumFields`).
 * Otherwise the upload cannot be completed any more, and the record says why.
 */
async function recoverGoneUpload(record: UploadRecord, ownerId: string): Promise<UploadRecord> {
  const size = await sourceObjectSize(record.sourceKey);
  if (size === record.size) {
    logger.info('Finishing a complete whose multipart upload S3 had already completed', { uploadId: record.uploadId });
    return markUploaded(record, ownerId, (await storedChecksumFields(record)).checksum);
  }
  const error: UploadErrorInfo =
    size === undefined
      ? {
          code: 'UPLOAD_ABORTED',
          message: `S3 no longer holds the multipart upload of ${record.uploadId} and no file was completed from it; start a new upload`,
        }
      : { code: 'SIZE_MISMATCH', message: `The completed file holds ${size} bytes but ${record.size} bytes were declared` };
  await failUpload(record, ownerId, error);
  throw new UnprocessableError(error.message, error.code);
}

async function failUpload(record: UploadRecord, ownerId: string, error: UploadErrorInfo): Promise<void> {
  await transition(record.uploadId, 'initiated', 'failed', { error }, { ownerId });
  logger.warn('Upload failed at complete', { uploadId: record.uploadId, error });
}
