/**
 * Object keys are made by the server from the upload id alone, so a client's filename can
 * never steer where bytes land. Originals live under `uploads/`, outputs under `media/` in
 * another bucket.
 */
const SOURCE_KEY = /^uploads\/([A-Za-z0-9_-]{1,64})\/source$/;

export function sourceKey(uploadId: string): string {
  return `uploads/${uploadId}/source`;
}

/** The upload id a source key belongs to, or undefined for any other key. */
export function uploadIdFromSourceKey(key: string): string | undefined {
  return SOURCE_KEY.exec(key)?.[1];
}

/**
 * Whether `id` can name an upload's folder: one path segment of safe characters, as every key
 * above is built from. For ids that arrive from outside the API (a MediaConvert job's metadata).
 */
export function isFolderSafeUploadId(id: string): boolean {
  return UPLOAD_ID_SEGMENT.test(id);
}

const UPLOAD_ID_SEGMENT = /^[A-Za-z0-9_-]{1,64}$/;

/** Where every output lives in the media bucket: one folder per upload beneath it. */
export const MEDIA_ROOT = 'media/';

export function mediaPrefix(uploadId: string): string {
  return `${MEDIA_ROOT}${uploadId}/`;
}
