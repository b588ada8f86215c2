import { createWriteStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { DeleteObjectsCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';

/** An object a job wrote, relative to the folder it was listed under. */
export interface WrittenObject {
  readonly key: string;
  readonly size: number;
}

/**
 * Uploads a fixture as an original, where the process function would find it. Fixtures are a few
 * megabytes: sent whole, in one plain request (a stream would go aws-chunked with a trailing checksum).
 */
export async function putOriginal(s3: S3Client, bucket: string, key: string, path: string): Promise<void> {
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: await readFile(path), ContentType: 'video/mp4' }));
}

/** Every object under `prefix`, keys relative to it, sorted. */
export async function listWritten(s3: S3Client, bucket: string, prefix: string): Promise<WrittenObject[]> {
  const written: WrittenObject[] = [];
  let ContinuationToken: string | undefined;
  do {
    const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken }));
    for (const object of page.Contents ?? []) {
      if (object.Key !== undefined) written.push({ key: object.Key.slice(prefix.length), size: object.Size ?? 0 });
    }
    ContinuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (ContinuationToken !== undefined);
  return written.sort((a, b) => a.key.localeCompare(b.key));
}

export async function readText(s3: S3Client, bucket: string, key: string): Promise<string> {
  const { Body } = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  if (Body === undefined) throw new Error(`s3://${bucket}/${key} has no body`);
  return Body.transformToString('utf8');
}

export async function download(s3: S3Client, bucket: string, key: string, path: string): Promise<void> {
  const { Body } = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  await pipeline(Body as Readable, createWriteStream(path));
}

/** Deletes the given keys (absolute), 1,000 to a request; returns the keys S3 could not delete. */
export async function deleteKeys(s3: S3Client, bucket: string, keys: readonly string[]): Promise<string[]> {
  const failures: string[] = [];
  for (let start = 0; start < keys.length; start += 1000) {
    const batch = keys.slice(start, start + 1000);
    const { Errors } = await s3.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: batch.map((Key) => ({ Key })), Quiet: true } }));
    for (const error of Errors ?? []) failures.push(`${error.Key ?? '?'}: ${error.Code ?? 'error'}`);
  }
  return failures;
}
