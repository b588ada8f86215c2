import { percentDecoded } from '../percentDecoded.js';

/**
 * The bucket name or key of a request that s3rver 3.7.1 would resolve outside its data folder,
 * or undefined when the request stays inside. s3rver maps names straight onto its filesystem
 * store (`path.join(root, bucket, ...key.split('/'))`, after percent-decoding), so a `.` or `..`
 * segment, literal or encoded as `%2E%2E` / `..%2F`, reads, writes or deletes files beside the
 * data folder: an unsigned PUT to `/<bucket>/..%2F..%2Fx` wrote `x._S3rver_object` two folders
 * up, and DELETE `/%2E%2E` deletes the data folder's parent as an "empty bucket". S3 itself
 * stores such keys literally; nothing in the pipeline names one, so local mode refuses them.
 * `x-amz-copy-source` names a second object and is checked the same way.
 */
export function storeEscapingName(rawPath: string, copySource: string | undefined): string | undefined {
  for (const name of [rawPath, copySource ?? '']) {
    const decoded = name.split('/').map(percentDecoded).join('/');
    if (decoded.split('/').some((segment) => segment === '.' || segment === '..')) return decoded;
  }
  return undefined;
}
