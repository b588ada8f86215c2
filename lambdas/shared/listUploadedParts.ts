import { ListPartsCommand, type ListPartsCommandOutput } from '@aws-sdk/client-s3';
import { uploadsBucketName } from './config.js';
import { S3_MAX_PART_COUNT } from './mediaPolicy.js';
import { s3 } from './s3.js';
import { isNoSuchUpload } from './s3Errors.js';

/** A part S3 holds for a multipart upload, as clients see it. */
export interface UploadedPart {
  readonly partNumber: number;
  readonly size: number;
  /** As S3 returns it (quoted), the same value the part PUT answered with. */
  readonly etag: string;
  /** The part's CRC-32C (base64) as S3 verified it, for an upload created with that algorithm. */
  readonly checksumCRC32C?: string;
}

const bucket = uploadsBucketName();
const PAGE_SIZE = 1_000;
/** S3 holds at most 10,000 parts, so 10 full pages; the bound stops a server that never stops truncating. */
const MAX_PAGES = Math.ceil(S3_MAX_PART_COUNT / PAGE_SIZE) + 1;

/**
 * Every part S3 holds for a multipart upload, in part-number order: the truth for resuming
 * and completing. Returns undefined when S3 no longer knows the upload (it was completed or
 * aborted). Pages by `IsTruncated` rather than with the SDK paginator, which follows
 * `NextPartNumberMarker` and so asks for one empty extra page whenever S3 sets it on the last one.
 */
export async function listUploadedParts(key: string, multipartUploadId: string): Promise<UploadedPart[] | undefined> {
  const parts: UploadedPart[] = [];
  let marker: string | undefined;
  for (let page = 0; page < MAX_PAGES; page += 1) {
    let output: ListPartsCommandOutput;
    try {
      output = await s3.send(
        new ListPartsCommand({ Bucket: bucket, Key: key, UploadId: multipartUploadId, MaxParts: PAGE_SIZE, PartNumberMarker: marker }),
      );
    } catch (error) {
      if (isNoSuchUpload(error)) return undefined;
      throw error;
    }
    for (const part of output.Parts ?? []) {
      if (part.PartNumber === undefined || part.Size === undefined || part.ETag === undefined) continue;
      parts.push({
        partNumber: part.PartNumber,
        size: part.Size,
        etag: part.ETag,
        ...(part.ChecksumCRC32C === undefined ? {} : { checksumCRC32C: part.ChecksumCRC32C }),
      });
    }
    if (!output.IsTruncated || output.NextPartNumberMarker === undefined || output.NextPartNumberMarker === marker) break;
    marker = output.NextPartNumberMarker;
  }
  return parts.sort((a, b) => a.partNumber - b.partNumber);
}
