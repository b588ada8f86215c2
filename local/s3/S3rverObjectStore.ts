import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BUCKET_NAME, UPLOADS_FOLDER, isMissingInStore } from './s3rverStoreLayout.js';

export interface StoredObject {
  readonly key: string;
  readonly size: number;
  /** Quoted, as S3 returns ETags. */
  readonly etag: string;
  readonly lastModified: Date;
  /** The FULL_OBJECT CRC-32C (base64) CompleteMultipartUpload verified, when it was asked to. */
  readonly checksumCRC32C?: string;
}

const OBJECT_SUFFIX = '._S3rver_object';
/** s3rver's metadata document takes fields it does not know; it reads them back and never serves them. */
const CHECKSUM_FIELD = 'x-amz-checksum-crc32c';
const OBJECTS_READ_AT_ONCE = 32;

/**
 * Reads s3rver 3.7.1's filesystem store the way S3 answers about objects, where s3rver itself
 * cannot: keys in S3's order, and the checksum an object was verified against. Its layout: the
 * object with key `a/b/name` is `<root>/<bucket>/a/b/name._S3rver_object`, with its MD5 beside it
 * in `….object.md5` and its metadata in `name._S3rver_metadata.json` (on Linux and macOS, where
 * it stores a key's characters as they are). The adapter keeps a completed object's FULL_OBJECT
 * CRC-32C in that metadata, which s3rver rewrites with each new PutObject and removes with the
 * object, so a checksum never outlives the bytes it describes.
 */
export class S3rverObjectStore {
  constructor(private readonly rootDirectory: string) {}

  async bucketExists(bucket: string): Promise<boolean> {
    if (!BUCKET_NAME.test(bucket)) return false;
    try {
      return (await stat(join(this.rootDirectory, bucket))).isDirectory();
    } catch (error) {
      if (isMissingInStore(error)) return false;
      throw error;
    }
  }

  /**
   * Every key that starts with `prefix`, in S3's order (by UTF-8 bytes). s3rver's own listing
   * walks folders in name order, which is not key order: the folder `a` (keys `a/…`) comes
   * before the file of key `a.txt`, though `.` sorts before `/`. Only folders that can hold a
   * key under the prefix are read.
   */
  async keysUnder(bucket: string, prefix: string): Promise<string[]> {
    if (!BUCKET_NAME.test(bucket)) return [];
    const keys: string[] = [];
    const walk = async (directory: string, keyPath: string): Promise<void> => {
      let entries;
      try {
        entries = await readdir(directory, { withFileTypes: true });
      } catch (error) {
        if (isMissingInStore(error)) return;
        throw error;
      }
      for (const entry of entries) {
        if (entry.isDirectory()) {
          if (keyPath === '' && entry.name === UPLOADS_FOLDER) continue;
          const folder = `${keyPath}${entry.name}/`;
          if (folder.startsWith(prefix) || prefix.startsWith(folder)) await walk(join(directory, entry.name), folder);
        } else if (entry.name.endsWith(OBJECT_SUFFIX)) {
          const key = `${keyPath}${entry.name.slice(0, -OBJECT_SUFFIX.length)}`;
          if (key.startsWith(prefix)) keys.push(key);
        }
      }
    };
    await walk(join(this.rootDirectory, bucket), '');
    return keys.sort(compareKeys);
  }

  /** The object under `key`, or undefined when there is none. */
  async get(bucket: string, key: string): Promise<StoredObject | undefined> {
    const path = this.objectPath(bucket, key);
    if (path === undefined) return undefined;
    try {
      const [stats, md5, metadata] = await Promise.all([stat(path), readMd5(path), this.readMetadata(bucket, key)]);
      const checksum = metadata[CHECKSUM_FIELD];
      const object = { key, size: stats.size, etag: `"${md5}"`, lastModified: stats.mtime };
      return typeof checksum === 'string' ? { ...object, checksumCRC32C: checksum } : object;
    } catch (error) {
      if (isMissingInStore(error)) return undefined;
      throw error;
    }
  }

  /** The objects under `keys` (those that still exist), reading a batch at a time: a page holds up to 1,000. */
  async getMany(bucket: string, keys: readonly string[]): Promise<StoredObject[]> {
    const found: StoredObject[] = [];
    for (let start = 0; start < keys.length; start += OBJECTS_READ_AT_ONCE) {
      const batch = await Promise.all(keys.slice(start, start + OBJECTS_READ_AT_ONCE).map((key) => this.get(bucket, key)));
      found.push(...batch.filter((object): object is StoredObject => object !== undefined));
    }
    return found;
  }

  /** Keeps the FULL_OBJECT CRC-32C a CompleteMultipartUpload verified with the object s3rver assembled. */
  async keepFullObjectChecksum(bucket: string, key: string, checksumCRC32C: string): Promise<void> {
    const path = this.metadataPath(bucket, key);
    if (path === undefined) return;
    const metadata = { ...(await this.readMetadata(bucket, key)), [CHECKSUM_FIELD]: checksumCRC32C };
    // Renamed into place, so that s3rver, reading it for a GET meanwhile, never sees half a document.
    const written = `${path}.${process.pid}.tmp`;
    await writeFile(written, JSON.stringify(metadata, null, 2));
    await rename(written, path);
  }

  private async readMetadata(bucket: string, key: string): Promise<Record<string, unknown>> {
    const path = this.metadataPath(bucket, key);
    if (path === undefined) return {};
    try {
      return JSON.parse(await readFile(path, 'utf8')) as Record<string, unknown>;
    } catch (error) {
      if (isMissingInStore(error)) return {};
      throw error;
    }
  }

  private objectPath(bucket: string, key: string): string | undefined {
    return this.resourcePath(bucket, key, 'object');
  }

  private metadataPath(bucket: string, key: string): string | undefined {
    return this.resourcePath(bucket, key, 'metadata.json');
  }

  /** As s3rver names an object's files; undefined for a bucket name s3rver could not have made. */
  private resourcePath(bucket: string, key: string, resource: string): string | undefined {
    if (!BUCKET_NAME.test(bucket) || key === '') return undefined;
    const segments = key.split('/');
    const name = segments.pop() as string;
    return join(this.rootDirectory, bucket, ...segments, `${name}._S3rver_${resource}`);
  }
}

/** S3's key order: by the bytes of their UTF-8 encoding (JavaScript compares UTF-16 code units). */
export function compareKeys(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/** s3rver writes the MD5 when it stores an object, and computes it on a read when it is missing: so does this. */
async function readMd5(objectPath: string): Promise<string> {
  try {
    return (await readFile(`${objectPath}.md5`, 'utf8')).trim();
  } catch (error) {
    if (!isMissingInStore(error)) throw error;
    const hash = createHash('md5');
    for await (const chunk of createReadStream(objectPath)) hash.update(chunk as Buffer);
    return hash.digest('hex');
  }
}
