import { escapeXml } from './s3ErrorXml.js';
import type { StoredMultipartUpload } from './S3rverMultipartStore.js';

/** S3's page size and its cap for ListParts. */
const MAX_PARTS = 1000;

export interface ListPartsPage {
  readonly bucket: string;
  readonly uploadId: string;
  readonly upload: StoredMultipartUpload;
  /** `max-parts`: at most this many parts (1–1000; S3's default 1000). */
  readonly maxParts?: number;
  /** `part-number-marker`: only parts after this number. */
  readonly partNumberMarker?: number;
}

/** The ListPartsResult document for one page of an upload's parts, paginated like S3. */
export function listPartsXml({ bucket, uploadId, upload, maxParts = MAX_PARTS, partNumberMarker = 0 }: ListPartsPage): string {
  const pageSize = Math.min(Math.max(maxParts, 0), MAX_PARTS);
  const remaining = upload.parts.filter((part) => part.partNumber > partNumberMarker);
  const page = remaining.slice(0, pageSize);
  const truncated = remaining.length > page.length;
  const next = page.at(-1)?.partNumber ?? partNumberMarker;
  const parts = page
    .map(
      (part) =>
        `<Part><PartNumber>${part.partNumber}</PartNumber><LastModified>${part.lastModified.toISOString()}</LastModified>` +
        `<ETag>${escapeXml(part.etag)}</ETag><Size>${part.size}</Size>` +
        (part.checksumCRC32C === undefined ? '' : `<ChecksumCRC32C>${escapeXml(part.checksumCRC32C)}</ChecksumCRC32C>`) +
        '</Part>',
    )
    .join('');
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    '<ListPartsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">' +
    `<Bucket>${escapeXml(bucket)}</Bucket><Key>${escapeXml(upload.key)}</Key><UploadId>${escapeXml(uploadId)}</UploadId>` +
    `<StorageClass>STANDARD</StorageClass><PartNumberMarker>${partNumberMarker}</PartNumberMarker>` +
    `<NextPartNumberMarker>${next}</NextPartNumberMarker><MaxParts>${pageSize}</MaxParts>` +
    `<IsTruncated>${truncated}</IsTruncated>${parts}</ListPartsResult>`
  );
}
