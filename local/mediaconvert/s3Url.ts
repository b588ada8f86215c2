export interface S3Location {
  readonly bucket: string;
  readonly key: string;
}

/** `s3://bucket/a/b` → `{ bucket: 'bucket', key: 'a/b' }` (the schema has checked the form). */
export function parseS3Url(url: string): S3Location {
  const match = /^s3:\/\/([^/]+)\/(.+)$/.exec(url);
  if (!match) throw new RangeError(`Not an s3://bucket/key URL: ${url}`);
  return { bucket: match[1] as string, key: match[2] as string };
}

/**
 * A MediaConvert destination `s3://bucket/prefix/base`: files are written under `prefix/` with
 * names starting with `base` (`base.m3u8`, `base_720p.m3u8`, `base.0000000.jpg`).
 */
export interface Destination {
  readonly bucket: string;
  /** Key prefix, ending in `/` (or empty). */
  readonly prefix: string;
  readonly base: string;
}

export function parseDestination(url: string): Destination {
  const { bucket, key } = parseS3Url(url);
  const slash = key.lastIndexOf('/');
  return { bucket, prefix: key.slice(0, slash + 1), base: key.slice(slash + 1) };
}

export function s3Url(bucket: string, key: string): string {
  return `s3://${bucket}/${key}`;
}
