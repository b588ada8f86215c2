import { escapeXml, type S3ErrorInfo } from './s3ErrorXml.js';
import { compareKeys, type S3rverObjectStore, type StoredObject } from './S3rverObjectStore.js';

/** S3 answers at most this many keys and common prefixes in one page, whatever `max-keys` asks. */
const MAX_KEYS = 1000;
/** The account s3rver names as every object's owner. */
const OWNER = { id: '123456789000', displayName: 'S3rver' };

export interface ListingOptions {
  readonly prefix: string;
  /** Keys whose rest after the prefix holds it are rolled up into one common prefix. */
  readonly delimiter?: string;
  /** `start-after`: only keys after this one. */
  readonly startAfter?: string;
  /** From the continuation token: only entries (keys or common prefixes) after the last one answered. */
  readonly after?: string;
  readonly maxKeys: number;
}

export interface ListingPage {
  readonly keys: readonly string[];
  readonly commonPrefixes: readonly string[];
  readonly isTruncated: boolean;
  /** The last entry answered, where the next page starts. */
  readonly last?: string;
}

/**
 * One page of a listing as S3 pages it: keys (sorted) and common prefixes count alike towards
 * `maxKeys`, and a common prefix appears once, though many keys roll up into it. A page that
 * ended on a common prefix resumes after every key under it.
 */
export function pageOfKeys(sortedKeys: readonly string[], options: ListingOptions): ListingPage {
  // As S3 answers `max-keys=0`: an empty page that does not claim more (a paginator would loop on it).
  if (options.maxKeys === 0) return { keys: [], commonPrefixes: [], isTruncated: false };
  const keys: string[] = [];
  const commonPrefixes: string[] = [];
  let last: string | undefined;
  for (const key of sortedKeys) {
    if (options.startAfter !== undefined && compareKeys(key, options.startAfter) <= 0) continue;
    const entry = rolledUp(key, options.prefix, options.delimiter);
    if (options.after !== undefined && compareKeys(entry, options.after) <= 0) continue;
    if (entry === last) continue;
    if (keys.length + commonPrefixes.length >= options.maxKeys) return { keys, commonPrefixes, isTruncated: true, last };
    (entry === key ? keys : commonPrefixes).push(entry);
    last = entry;
  }
  return { keys, commonPrefixes, isTruncated: false, last };
}

/** The key, or the common prefix it rolls up into. */
function rolledUp(key: string, prefix: string, delimiter: string | undefined): string {
  if (!delimiter) return key;
  const at = key.indexOf(delimiter, prefix.length);
  return at === -1 ? key : key.slice(0, at + delimiter.length);
}

export type ListAnswer = { readonly xml: string } | { readonly error: S3ErrorInfo };

/**
 * Serves ListObjectsV2 (`GET /<bucket>?list-type=2`) from s3rver's store. s3rver 3.7.1 answers a
 * truncated listing with a 500: it encrypts its continuation token with DES, which OpenSSL 3
 * (Node 17 and later) leaves out (ERR_OSSL_EVP_UNSUPPORTED), so any listing with more keys than
 * `max-keys` failed, and it walks keys in folder order, not S3's. This answers every page with
 * S3's fields: `IsTruncated`, `NextContinuationToken` (opaque: the bucket and the last entry
 * answered), `ContinuationToken` and `StartAfter` echoed, `KeyCount` (keys and common prefixes).
 */
export async function listObjectsV2(objects: S3rverObjectStore, bucket: string, query: URLSearchParams): Promise<ListAnswer> {
  const maxKeysParam = query.get('max-keys');
  if (maxKeysParam !== null && !/^\d{1,10}$/.test(maxKeysParam)) {
    return invalidArgument('Provided max-keys not an integer or within integer range', 'max-keys', maxKeysParam);
  }
  const encodingType = query.get('encoding-type');
  if (encodingType !== null && encodingType !== 'url') {
    return invalidArgument('Invalid Encoding Method specified in Request', 'encoding-type', encodingType);
  }
  const token = query.get('continuation-token');
  const after = token === null ? undefined : tokenEntry(token, bucket);
  if (after === null) return invalidArgument('The continuation token provided is incorrect', 'continuation-token', token ?? '');
  if (!(await objects.bucketExists(bucket))) {
    return { error: { status: 404, code: 'NoSuchBucket', message: 'The specified bucket does not exist', detail: { BucketName: bucket } } };
  }

  const prefix = query.get('prefix') ?? '';
  const delimiter = query.get('delimiter') || undefined;
  const startAfter = query.get('start-after') || undefined;
  const maxKeys = maxKeysParam === null ? MAX_KEYS : Math.min(Number(maxKeysParam), MAX_KEYS);
  const page = pageOfKeys(await objects.keysUnder(bucket, prefix), { prefix, delimiter, startAfter, after, maxKeys });
  const found = await objects.getMany(bucket, page.keys);
  const encode = encodingType === 'url' ? urlEncoded : (text: string) => text;
  const text = (name: string, value: string) => `<${name}>${escapeXml(encode(value))}</${name}>`;
  const owner = query.get('fetch-owner') === 'true' ? `<Owner><ID>${OWNER.id}</ID><DisplayName>${OWNER.displayName}</DisplayName></Owner>` : '';

  return {
    xml:
      '<?xml version="1.0" encoding="UTF-8"?>\n' +
      '<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">' +
      `<Name>${escapeXml(bucket)}</Name>${text('Prefix', prefix)}` +
      (delimiter === undefined ? '' : text('Delimiter', delimiter)) +
      `<MaxKeys>${maxKeysParam ?? MAX_KEYS}</MaxKeys>` +
      (encodingType === null ? '' : '<EncodingType>url</EncodingType>') +
      `<KeyCount>${page.keys.length + page.commonPrefixes.length}</KeyCount>` +
      (token === null ? '' : `<ContinuationToken>${escapeXml(token)}</ContinuationToken>`) +
      (page.isTruncated && page.last !== undefined ? `<NextContinuationToken>${continuationToken(bucket, page.last)}</NextContinuationToken>` : '') +
      (startAfter === undefined ? '' : text('StartAfter', startAfter)) +
      `<IsTruncated>${page.isTruncated}</IsTruncated>` +
      found.map((object) => contentsXml(object, text, owner)).join('') +
      page.commonPrefixes.map((commonPrefix) => `<CommonPrefixes>${text('Prefix', commonPrefix)}</CommonPrefixes>`).join('') +
      '</ListBucketResult>',
  };
}

function contentsXml(object: StoredObject, text: (name: string, value: string) => string, owner: string): string {
  const checksum = object.checksumCRC32C === undefined ? '' : '<ChecksumAlgorithm>CRC32C</ChecksumAlgorithm><ChecksumType>FULL_OBJECT</ChecksumType>';
  return (
    `<Contents>${text('Key', object.key)}<LastModified>${object.lastModified.toISOString()}</LastModified>` +
    `<ETag>${escapeXml(object.etag)}</ETag>${checksum}<Size>${object.size}</Size>${owner}<StorageClass>STANDARD</StorageClass></Contents>`
  );
}

function continuationToken(bucket: string, last: string): string {
  return Buffer.from(JSON.stringify([bucket, last]), 'utf8').toString('base64');
}

/** The entry a token resumes after, or null when the token is not one this bucket's listing made. */
function tokenEntry(token: string, bucket: string): string | null {
  try {
    const decoded: unknown = JSON.parse(Buffer.from(token, 'base64').toString('utf8'));
    if (Array.isArray(decoded) && decoded.length === 2 && decoded[0] === bucket && typeof decoded[1] === 'string') return decoded[1];
  } catch {
    // Not base64-encoded JSON: not a token of ours.
  }
  return null;
}

/** `encoding-type=url`: names percent-encoded, `/` kept, which decoders of S3's answers accept. */
function urlEncoded(text: string): string {
  return encodeURIComponent(text).replace(/%2F/g, '/');
}

function invalidArgument(message: string, name: string, value: string): { error: S3ErrorInfo } {
  return { error: { status: 400, code: 'InvalidArgument', message, detail: { ArgumentName: name, ArgumentValue: value } } };
}
