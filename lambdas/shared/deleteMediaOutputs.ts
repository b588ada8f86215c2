import { DeleteObjectsCommand, paginateListObjectsV2 } from '@aws-sdk/client-s3';
import { mediaBucketName } from './config.js';
import { mediaPrefix } from './keys.js';
import { s3 } from './s3.js';

const bucket = mediaBucketName();

/**
 * Deletes every output of an upload (all keys under `media/{uploadId}/` in the media bucket)
 * (or only those under `under`, a folder inside it) and returns how many there were. A listing page holds at most 1,000 keys, the most one
 * DeleteObjects call takes, so each page is one batch. Any key S3 refuses to delete fails the
 * call, so the caller keeps the record and a retry can finish the job.
 */
export async function deleteMediaOutputs(uploadId: string, under: string = mediaPrefix(uploadId)): Promise<number> {
  if (!under.startsWith(mediaPrefix(uploadId))) throw new RangeError(`${under} is not under the outputs of upload ${uploadId}`);
  let deleted = 0;
  for await (const page of paginateListObjectsV2({ client: s3 }, { Bucket: bucket, Prefix: under })) {
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
