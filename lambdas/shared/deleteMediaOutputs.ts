import { DeleteObjectsCommand, paginateListObjectsV2 } from '@aws-sdk/client-s3';
import { mediaBucketName } from './config.js';
import { mediaPrefix } from './keys.js';
import { s3 } from './s3.js';

const bucket = mediaBucketName();

/**
 * Deletes every output of an upload (all keys under `media/{uploadId}/` in the media bucket)
 * and returns how many there were. A listing page holds at most 1,000 keys, the most one
 * DeleteObjects call takes, so each page is one batch. Any key S3 refuses to delete fails the
 * call, so the caller keeps the record and a retry can finish the job.
 */
export async function deleteMediaOutputs(uploadId: string): Promise<number> {
  let deleted = 0;
  for await (const page of paginateListObjectsV2({ client: s3 }, { Bucket: bucket, Prefix: mediaPrefix(uploadId) })) {
    const keys = (page.Contents ?? []).flatMap((object) => (object.Key === undefined ? [] : [{ Key: object.Key }]));
    if (keys.length === 0) continue;
    const { Errors } = await s3.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: keys, Quiet: true } }));
    if (Errors !== undefined && Errors.length > 0) {
      const first = Errors[0];
      throw new Error(
        `S3 refused to delete ${Errors.length} of ${keys.length} outputs of upload ${uploadId} (first: ${first?.Key} ${first?.Code})`,
      );
    }
    deleted += keys.length;
  }
  return deleted;
}
