import type { ListObjectsV2CommandOutput } from '@aws-sdk/client-s3';

/**
 * What S3 answers when `sourceObjectSize` lists under an original's key: the original at
 * `size` bytes, or (without a size) no key at all.
 */
export function originalListing(key: string, size?: number): Partial<ListObjectsV2CommandOutput> {
  return size === undefined ? { KeyCount: 0 } : { KeyCount: 1, Contents: [{ Key: key, Size: size }] };
}
