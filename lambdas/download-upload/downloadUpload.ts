import { malwareScanEnabled, uploadsBucketName } from '../shared/config.js';
import { InvalidStateError } from '../shared/errors.js';
import { attachmentDisposition } from '../shared/attachmentDisposition.js';
import { getUploadRecord } from '../shared/getUploadRecord.js';
import type { ApiRequest } from '../shared/http/apiRequest.js';
import type { ApiResponse } from '../shared/http/httpHandler.js';
import { presignGetObject } from '../shared/presignGetObject.js';
import { presignedUrlExpiry } from '../shared/signing/presignedUrlExpiry.js';
import { readScanStatusTag } from '../shared/readScanStatusTag.js';
import { s3 } from '../shared/s3.js';
import { sourceObjectSize } from '../shared/sourceObjectSize.js';
import type { UploadRecord, UploadStatus } from '../shared/uploadRecord.js';
import { uploadIdFromPath } from '../shared/validation/uploadId.js';

const bucket = uploadsBucketName();
const scanGate = malwareScanEnabled();

/**
 * How long a download URL works. S3 checks a presigned URL when a request starts, so a long
 * download outlives it; resuming later (a ranged GET) needs a fresh URL.
 */
export const DOWNLOAD_URL_EXPIRY_SECONDS = 300;

/** The states in which S3 holds the original: completed, and not cancelled, expired or removed. */
export const DOWNLOADABLE_STATUSES: readonly UploadStatus[] = ['uploaded', 'processing', 'ready', 'failed'];

/** `GET /uploads/{id}/download` answer (200). */
export interface DownloadLink {
  /** A presigned GET of the original: `Content-Disposition: attachment` with the client's filename, ranges allowed. */
  readonly url: string;
  readonly expiresAt: string;
}

/**
 * `GET /uploads/{id}/download`: a short-lived presigned GET of the original, for its owner only
 * (anyone else gets 404). JSON rather than a redirect: the route sits behind the JWT
 * authorizer, so a browser cannot simply navigate to it, and a `fetch` that follows a 302 to
 * another origin gets an opaque answer it cannot save. 409 INVALID_STATE naming the state when
 * there is no original: not completed yet (`initiated`), gone with the upload (`cancelled`,
 * `expired`), never made (a `failed` complete: S3 refused the parts), or deleted by the
 * retention rules (a failed upload's after its days, a ready one's when originals are deleted).
 * With the malware gate on, only an original the scan found clean is handed out (409 naming the
 * scan's status otherwise): a download link can be passed to anyone, and the bucket must not
 * serve a file the scanner has not vouched for (one still waiting, or one it could not check).
 */
export async function downloadUpload(request: ApiRequest): Promise<ApiResponse> {
  const uploadId = uploadIdFromPath(request.pathParameters);
  const record = await getUploadRecord(uploadId, request.ownerId);
  assertDownloadable(record);
  if (record.originalRemovedAt !== undefined) {
    throw new InvalidStateError(`Upload ${uploadId} is ${describeState(record)}; its original was deleted at ${record.originalRemovedAt} by the retention rules`, record.status);
  }
  // The state says the original should exist; S3 says whether it does (a complete that failed never made one).
  if ((await sourceObjectSize(record.sourceKey)) === undefined) {
    throw new InvalidStateError(`Upload ${uploadId} is ${describeState(record)} and S3 holds no original of it to download`, record.status);
  }
  if (scanGate) await assertScannedClean(record);
  const now = new Date();
  const url = await presignGetObject({
    bucket,
    key: record.sourceKey,
    contentDisposition: attachmentDisposition(record.filename),
    contentType: record.contentType,
    expiresInSeconds: DOWNLOAD_URL_EXPIRY_SECONDS,
    signingDate: now,
  });
  const link: DownloadLink = { url, expiresAt: presignedUrlExpiry(now, DOWNLOAD_URL_EXPIRY_SECONDS) };
  return { statusCode: 200, body: link };
}

function assertDownloadable(record: UploadRecord): void {
  if (DOWNLOADABLE_STATUSES.includes(record.status)) return;
  const why = record.status === 'initiated' ? 'its original exists once the upload is completed' : 'its original was deleted with it';
  throw new InvalidStateError(`Upload ${record.uploadId} is ${record.status}; ${why}`, record.status);
}

async function assertScannedClean(record: UploadRecord): Promise<void> {
  const status = await readScanStatusTag(s3, { bucket, key: record.sourceKey });
  if (status === 'NO_THREATS_FOUND') return;
  const why = status === undefined ? 'the malware scan has given no verdict on it yet' : `the malware scan did not find it clean (${status.slice(0, 40)})`;
  throw new InvalidStateError(`Upload ${record.uploadId} is ${describeState(record)} and its original cannot be downloaded: ${why}`, record.status);
}

function describeState(record: UploadRecord): string {
  return record.error === undefined ? record.status : `${record.status} (${record.error.code})`;
}
