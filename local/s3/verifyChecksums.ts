import { createReadStream } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { Readable, Transform } from 'node:stream';
import { createCRC32 } from 'hash-wasm';
import { combineCrc32c, crc32cBase64 } from '../../client/crc32c.js';
import type { S3ErrorInfo } from './s3ErrorXml.js';
import type { S3rverMultipartStore, StoredPart } from './S3rverMultipartStore.js';

const CRC32C_POLYNOMIAL = 0x82f63b78;
export const CHECKSUM_HEADER = 'x-amz-checksum-crc32c';

/** What S3 answers when the bytes (or the parts, at complete) hash to another CRC-32C than the request's. */
export function badDigest(expected: string, calculated: string): S3ErrorInfo {
  return {
    status: 400,
    code: 'BadDigest',
    message: 'The CRC32C you specified did not match the calculated checksum.',
    detail: { ExpectedChecksum: expected, CalculatedChecksum: calculated },
  };
}

/** The request as s3rver reads its body (`ctx.req`), with another stream in its place. */
export function replaceBody(original: IncomingMessage, body: Readable): IncomingMessage {
  return Object.assign(body, { headers: original.headers, url: original.url, method: original.method }) as unknown as IncomingMessage;
}

/**
 * Hashes a part's bytes as s3rver stores them: `body` goes to s3rver in place of the request, and
 * `digest()` gives their CRC-32C once it has read them all.
 */
export async function hashingBody(request: IncomingMessage): Promise<{ readonly body: IncomingMessage; digest(): string }> {
  const hasher = await createCRC32(CRC32C_POLYNOMIAL);
  hasher.init();
  const hashing = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      hasher.update(chunk);
      callback(null, chunk);
    },
  });
  request.on('error', (error) => hashing.destroy(error));
  request.pipe(hashing);
  return { body: replaceBody(request, hashing), digest: () => crc32cBase64(Number.parseInt(hasher.digest('hex'), 16)) };
}

/** The request body, read whole (a CompleteMultipartUpload document: small). */
export async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** The part numbers a CompleteMultipartUpload document lists, in its order. */
export function completedPartNumbers(xml: string): number[] {
  return [...xml.matchAll(/<PartNumber>\s*(\d+)\s*<\/PartNumber>/g)].map((match) => Number(match[1]));
}

/**
 * The FULL_OBJECT CRC-32C of the parts in this order, combined from each part's own as S3 does:
 * from the checksum it was verified against, or from its bytes when it arrived without one.
 * Undefined when a listed part is not stored (s3rver then answers InvalidPart itself).
 */
export async function fullObjectChecksum(
  store: S3rverMultipartStore,
  bucket: string,
  uploadId: string,
  stored: readonly StoredPart[],
  partNumbers: readonly number[],
): Promise<string | undefined> {
  const byNumber = new Map(stored.map((part) => [part.partNumber, part]));
  let whole = 0;
  for (const [index, partNumber] of partNumbers.entries()) {
    const part = byNumber.get(partNumber);
    const path = store.partPath(bucket, uploadId, partNumber);
    if (part === undefined || path === undefined) return undefined;
    const crc = part.checksumCRC32C === undefined ? await fileCrc(path) : Buffer.from(part.checksumCRC32C, 'base64').readUInt32BE(0);
    whole = index === 0 ? crc : combineCrc32c(whole, crc, part.size);
  }
  return crc32cBase64(whole);
}

async function fileCrc(path: string): Promise<number> {
  const hasher = await createCRC32(CRC32C_POLYNOMIAL);
  hasher.init();
  for await (const chunk of createReadStream(path)) hasher.update(chunk as Buffer);
  return Number.parseInt(hasher.digest('hex'), 16);
}
