import { GetObjectTaggingCommand, NoSuchKey, type S3Client } from '@aws-sdk/client-s3';
import { SCAN_STATUS_TAG } from './malwareScanResult.js';

/**
 * The `GuardDutyMalwareScanStatus` tag on a stored object: the malware scan's verdict on exactly
 * those bytes (a new object under the key starts without tags). Undefined while the object has
 * none, or is gone; S3's other errors are the caller's to judge.
 */
export async function readScanStatusTag(s3: S3Client, { bucket, key }: { readonly bucket: string; readonly key: string }): Promise<string | undefined> {
  try {
    const { TagSet } = await s3.send(new GetObjectTaggingCommand({ Bucket: bucket, Key: key }));
    return TagSet?.find((tag) => tag.Key === SCAN_STATUS_TAG)?.Value;
  } catch (error) {
    if (error instanceof NoSuchKey || (error as { name?: string }).name === 'NoSuchKey') return undefined;
    throw error;
  }
}
