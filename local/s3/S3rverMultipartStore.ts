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
const PARTS_READ_AT_ONCE = 64;

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
    const partNumbers = (await readdir(directory))
      .filter((name) => PART_FILE.test(name))
      .map(Number)
      .sort((a, b) => a - b);
    const parts: StoredPart[] = [];
    // A batch at a time: an upload holds up to 10,000 parts, and reading them all at once runs
    // out of file descriptors (EMFILE past ~500 parts under Linux's usual 1,024, sooner on macOS).
    for (let start = 0; start < partNumbers.length; start += PARTS_READ_AT_ONCE) {
      const batch = await Promise.all(partNumbers.slice(start, start + PARTS_READ_AT_ONCE).map((n) => readPart(directory, n)));
      parts.push(...batch.filter((part): part is StoredPart => part !== undefined));
    }
    return { key, parts };
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
