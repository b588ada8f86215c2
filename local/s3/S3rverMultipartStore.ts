import { readdir, readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';

export interface StoredPart {
  readonly partNumber: number;
  readonly size: number;
  /** Quoted, as S3 returns ETags. */
  readonly etag: string;
  readonly lastModified: Date;
}

export interface StoredMultipartUpload {
  readonly key: string;
  /** Ascending by part number. */
  readonly parts: readonly StoredPart[];
}

/** s3rver's own ids are hex; anything else cannot name one of its uploads (and never a path). */
const UPLOAD_ID = /^[A-Za-z0-9]{1,128}$/;
const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const PART_FILE = /^[1-9]\d{0,4}$/;

/**
 * Reads and removes in-progress multipart uploads straight from s3rver 3.7.1's filesystem
 * store, whose ListParts and AbortMultipartUpload routes answer 405. Its layout:
 * `<root>/<bucket>/._S3rver_uploads/<uploadId>/` holding `key`, `metadata`, and each part as
 * `<n>` with its MD5 in `<n>.md5` (written once the part is fully stored).
 */
export class S3rverMultipartStore {
  constructor(private readonly rootDirectory: string) {}

  /** The upload with the parts stored so far, or undefined when no such upload is in progress. */
  async get(bucket: string, uploadId: string): Promise<StoredMultipartUpload | undefined> {
    const directory = this.uploadDirectory(bucket, uploadId);
    if (directory === undefined) return undefined;
    let key: string;
    try {
      key = await readFile(join(directory, 'key'), 'utf8');
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
    const names = await readdir(directory);
    const parts = await Promise.all(
      names.filter((name) => PART_FILE.test(name)).map((name) => readPart(directory, Number(name))),
    );
    return {
      key,
      parts: parts.filter((part): part is StoredPart => part !== undefined).sort((a, b) => a.partNumber - b.partNumber),
    };
  }

  /** Removes the upload and its parts; false when there was no such upload. */
  async abort(bucket: string, uploadId: string): Promise<boolean> {
    const directory = this.uploadDirectory(bucket, uploadId);
    if (directory === undefined || !(await this.get(bucket, uploadId))) return false;
    await rm(directory, { recursive: true, force: true });
    return true;
  }

  private uploadDirectory(bucket: string, uploadId: string): string | undefined {
    if (!BUCKET_NAME.test(bucket) || !UPLOAD_ID.test(uploadId)) return undefined;
    return join(this.rootDirectory, bucket, '._S3rver_uploads', uploadId);
  }
}

/** A part whose MD5 file is not written yet is still being received: S3 would not list it either. */
async function readPart(directory: string, partNumber: number): Promise<StoredPart | undefined> {
  const path = join(directory, String(partNumber));
  try {
    const [md5, stats] = await Promise.all([readFile(`${path}.md5`, 'utf8'), stat(path)]);
    return { partNumber, size: stats.size, etag: `"${md5.trim()}"`, lastModified: stats.mtime };
  } catch (error) {
    if (isMissing(error)) return undefined;
    throw error;
  }
}

function isMissing(error: unknown): boolean {
  return (error as NodeJS.ErrnoException).code === 'ENOENT';
}
