import { readdir, readFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { outputHeaders } from '../plan/outputHeaders.js';

export interface PublishOptions {
  readonly s3: S3Client;
  readonly bucket: string;
  /** Key prefix, ending in `/` (`media/{uploadId}/`). */
  readonly prefix: string;
  /** Uploads in flight at once. @default 8 */
  readonly concurrency?: number;
  /** Paths relative to `dir` already published as they stand (segments published while encoding). */
  readonly skip?: ReadonlySet<string>;
}

/**
 * Uploads every file under `dir` to `<prefix><relative path>` with its content type and cache
 * policy (except those in `skip`), and returns the keys written. Segments and images go first, media playlists next and
 * the master playlist last, so no playlist is ever visible before what it lists. Files are read
 * whole (the largest is one segment, a few megabytes) so each PutObject has a known length.
 */
export async function publishOutputs(dir: string, options: PublishOptions): Promise<string[]> {
  const files = (await listFiles(dir))
    .map((path) => {
      const relativePath = relative(dir, path).split(sep).join('/');
      return { path, relativePath, key: options.prefix + relativePath };
    })
    .filter((file) => !options.skip?.has(file.relativePath));
  const written: string[] = [];
  for (const wave of orderByDependency(files)) {
    await forEachLimited(wave, options.concurrency ?? 8, async (file) => {
      await publishFile(file.path, file.key, options);
      written.push(file.key);
    });
  }
  return written;
}

/**
 * Uploads one file to `key` with its content type and cache policy (an output published ahead of
 * the rest); `cacheControl` overrides the policy (a playlist that will still grow).
 */
export async function publishFile(path: string, key: string, options: Pick<PublishOptions, 's3' | 'bucket'> & { readonly cacheControl?: string }): Promise<void> {
  const headers = outputHeaders(key);
  const contentType = headers.contentType;
  const cacheControl = options.cacheControl ?? headers.cacheControl;
  await options.s3.send(
    new PutObjectCommand({
      Bucket: options.bucket,
      Key: key,
      Body: await readFile(path),
      ContentType: contentType,
      CacheControl: cacheControl,
    }),
  );
}

interface OutputFile {
  readonly path: string;
  readonly relativePath: string;
  readonly key: string;
}

/** Three waves: everything that is not a playlist; media playlists; master playlists (at the prefix root). */
function orderByDependency(files: readonly OutputFile[]): OutputFile[][] {
  const isPlaylist = (file: OutputFile) => file.relativePath.endsWith('.m3u8');
  const isMaster = (file: OutputFile) => isPlaylist(file) && !file.relativePath.includes('/');
  return [
    files.filter((file) => !isPlaylist(file)),
    files.filter((file) => isPlaylist(file) && !isMaster(file)),
    files.filter((file) => isMaster(file)),
  ].filter((wave) => wave.length > 0);
}

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();
}

async function forEachLimited<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const item = items[next] as T;
      next += 1;
      await work(item);
    }
  });
  await Promise.all(workers);
}
