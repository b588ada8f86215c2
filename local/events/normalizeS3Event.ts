import type { S3Event, S3EventRecord } from 'aws-lambda';
import type { AdaptedS3Operation } from '../s3/s3OperationContext.js';

export interface NormalizeOptions {
  readonly region: string;
  /** The S3 operation that created the object, when the adapter named it. */
  readonly operation: AdaptedS3Operation | undefined;
}

/**
 * Turns an s3rver notification into what S3 sends: a multipart completion is
 * `ObjectCreated:CompleteMultipartUpload` (s3rver says `ObjectCreated:Post`), the key is
 * URL-encoded (s3rver sends it raw), the bucket ARN is well formed and the region is ours.
 */
export function normalizeS3Event(event: S3Event, options: NormalizeOptions): S3Event {
  return { Records: event.Records.map((record) => normalizeRecord(record, options)) };
}

function normalizeRecord(record: S3EventRecord, { region, operation }: NormalizeOptions): S3EventRecord {
  const eventName =
    record.eventName === 'ObjectCreated:Post' && operation === 'CompleteMultipartUpload'
      ? 'ObjectCreated:CompleteMultipartUpload'
      : record.eventName;
  return {
    ...record,
    eventVersion: '2.1',
    eventName,
    awsRegion: region,
    s3: {
      ...record.s3,
      bucket: { ...record.s3.bucket, arn: `arn:aws:s3:::${record.s3.bucket.name}` },
      object: { ...record.s3.object, key: encodeS3EventKey(record.s3.object.key) },
    },
  };
}

/**
 * S3 event keys are form-encoded (space → `+`, `+` → `%2B`, parentheses and other reserved
 * characters percent-encoded) except `/`, which stays as is: `red flower (1).jpg` arrives as
 * `red+flower+%281%29.jpg`. Consumers decode with `decodeURIComponent(key.replace(/\+/g, ' '))`.
 */
export function encodeS3EventKey(key: string): string {
  return encodeURIComponent(key)
    .replace(/[!'()~]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%20/g, '+')
    .replace(/%2F/g, '/');
}
