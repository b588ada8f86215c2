import { readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BUCKET_NAME, UPLOADS_FOLDER, isMissingInStore } from './s3rverStoreLayout.js';

export interface StoredPart {
  readonly partNumber: number;
  readonly size: number;
  /** Quoted, as S3 returns ETags. */
  readonly etag: string;
  readonly lastModified: Date;
  /** The CRC-32C (base64) the part was verified against on arrival, when it came with one. */
  readonly checksumCRC32C?: string;
}

export interface StoredMultipartUpload {
  readonly key: string;
  /** Ascending by part number. */
  readonly parts: readonly StoredPart[];
}

/** s3rver's own ids are hex; anything else cannot name one of its uploads (and never a path). */
const UPLOAD_ID = /^[A-Za-z0-9]{1,128}$/;
const PART_FILE = /^[1-9]\d{0,4}$/;
/** Two files read per part (its MD5 and its checksum), so 64 files at most. */
const PARTS_READ_AT_ONCE = 32;

/**
 * Reads and removes in-progress multipart uploads straight from s3rver 3.7.1's filesystem
 * store, whose ListParts and AbortMultipartUpload routes answer 405. Its layout:
 * `<root>/<bucket>/._S3rver_uploads/<uploadId>/` holding `key`, `metadata`, and each part as
 * `<n>` with its MD5 in `<n>.md5` (written once the part is fully stored). The adapter adds
 * `<n>.crc32c`, the CRC-32C a part was verified against, as S3 keeps a part's checksum.
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
      if (isMissingInStore(error)) return undefined;
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

  /** Where s3rver stores the part's bytes, or undefined for a name that cannot be one of its uploads. */
  partPath(bucket: string, uploadId: string, partNumber: number): string | undefined {
    const directory = this.uploadDirectory(bucket, uploadId);
    return directory === undefined ? undefined : join(directory, String(partNumber));
  }

  /** Keeps the CRC-32C a stored part was verified against. */
  async setPartChecksum(bucket: string, uploadId: string, partNumber: number, checksumCRC32C: string): Promise<void> {
    const path = this.partPath(bucket, uploadId, partNumber);
    if (path !== undefined) await writeFile(`${path}.crc32c`, checksumCRC32C);
  }

  /** Removes a part s3rver stored (bytes, MD5 and checksum), as if it had never arrived. */
  async removePart(bucket: string, uploadId: string, partNumber: number): Promise<void> {
    const path = this.partPath(bucket, uploadId, partNumber);
    if (path === undefined) return;
    await Promise.all(['', '.md5', '.crc32c'].map((suffix) => rm(`${path}${suffix}`, { force: true })));
  }

  private uploadDirectory(bucket: string, uploadId: string): string | undefined {
    if (!BUCKET_NAME.test(bucket) || !UPLOAD_ID.test(uploadId)) return undefined;
    return join(this.rootDirectory, bucket, UPLOADS_FOLDER, uploadId);
  }
}

/** A part whose MD5 file is not written yet is still being received: S3 would not list it either. */
async function readPart(directory: string, partNumber: number): Promise<StoredPart | undefined> {
  const path = join(directory, String(partNumber));
  try {
    const [md5, stats, checksum] = await Promise.all([
      readFile(`${path}.md5`, 'utf8'),
      stat(path),
      readFile(`${path}.crc32c`, 'utf8').catch((error: unknown) => {
        if (isMissingInStore(error)) return undefined;
        throw error;
      }),
    ]);
    const part = { partNumber, size: stats.size, etag: `"${md5.trim()}"`, lastModified: stats.mtime };
    return checksum === undefined ? part : { ...part, checksumCRC32C: checksum };
  } catch (error) {
    if (isMissingInStore(error)) return undefined;
    throw error;
  }
}
