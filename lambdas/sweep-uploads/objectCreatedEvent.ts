import type { UploadRecord } from '../shared/uploadRecord.js';

/** Marks a re-sent event in `s3.configurationId`, where S3 names the notification that sent it. */
export const REQUEUE_CONFIGURATION_ID = 'media-pipeline-sweep-requeue';

/** The parts of S3's `ObjectCreated` notification that name the object, as S3 lays them out. */
export interface ObjectCreatedMessage {
  readonly Records: readonly [
    {
      readonly eventVersion: '2.1';
      readonly eventSource: 'aws:s3';
      readonly awsRegion: string;
      readonly eventTime: string;
      readonly eventName: 'ObjectCreated:CompleteMultipartUpload';
      readonly s3: {
        readonly s3SchemaVersion: '1.0';
        readonly configurationId: string;
        readonly bucket: { readonly name: string };
        readonly object: { readonly key: string; readonly size: number };
      };
    },
  ];
}

/**
 * The event S3 sends when an upload's original is completed, for sending it again: the process
 * function then takes it exactly like S3's own (same parsing, same claim, same retries and
 * dead-letter accounting). The key is form-encoded as S3 encodes event keys.
 */
export function objectCreatedEvent(record: UploadRecord, bucket: string, region: string, now: Date): ObjectCreatedMessage {
  return {
    Records: [
      {
        eventVersion: '2.1',
        eventSource: 'aws:s3',
        awsRegion: region,
        eventTime: now.toISOString(),
        eventName: 'ObjectCreated:CompleteMultipartUpload',
        s3: {
          s3SchemaVersion: '1.0',
          configurationId: REQUEUE_CONFIGURATION_ID,
          bucket: { name: bucket },
          object: { key: encodeEventKey(record.sourceKey), size: record.size },
        },
      },
    ],
  };
}

/** S3 form-encodes event keys: `/` kept, space as `+`. */
function encodeEventKey(key: string): string {
  return key
    .split('/')
    .map((segment) => encodeURIComponent(segment).replace(/%20/g, '+'))
    .join('/');
}
