/**
 * What s3rver 3.7.1's filesystem store looks like, for the adapter's readers of it
 * (`S3rverObjectStore`, `S3rverMultipartStore`): a folder per bucket under the root, objects
 * as files beside their metadata, in-progress multipart uploads in one folder of their own.
 */

/** S3's bucket naming rule: a name that fails it is no folder of the store. */
export const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/** Where s3rver keeps a bucket's in-progress multipart uploads: never objects. */
export const UPLOADS_FOLDER = '._S3rver_uploads';

/** A file or folder of the store that is not there (or a path through a file): the object is missing. */
export function isMissingInStore(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}
