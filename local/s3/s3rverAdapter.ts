import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';
import type { LocalCredentials } from '../localDefaults.js';
import { percentDecoded } from '../percentDecoded.js';
import { authorizeS3Request } from './authorizeS3Request.js';
import { getObjectAttributes } from './getObjectAttributes.js';
import { listObjectsV2 } from './listObjectsV2.js';
import { listPartsXml } from './listPartsXml.js';
import { type S3ErrorInfo, s3ErrorXml } from './s3ErrorXml.js';
import { s3OperationContext } from './s3OperationContext.js';
import type { S3rverMultipartStore } from './S3rverMultipartStore.js';
import type { S3rverObjectStore } from './S3rverObjectStore.js';
import { storeEscapingName } from './storeEscapingName.js';
import { badDigest, CHECKSUM_HEADER, completedPartNumbers, fullObjectChecksum, hashingBody, readBody, replaceBody } from './verifyChecksums.js';

export interface S3rverAdapterOptions {
  readonly store: S3rverMultipartStore;
  /** The same data folder's objects, for the listings, attributes and checksums s3rver lacks. */
  readonly objects: S3rverObjectStore;
  /** The one key pair requests (presigned or with an `Authorization` header) may be signed with. */
  readonly credentials: LocalCredentials;
  /**
   * Buckets whose objects may be read (GET, HEAD) without a signature, as the CDN serves them.
   * @default [] - every request must be signed
   */
  readonly publicReadBuckets?: readonly string[];
  /** Clock for URL expiry; tests fix it. */
  readonly now?: () => Date;
}

interface CorsRule {
  readonly hasWildcardOrigin: boolean;
  readonly exposeHeaders: readonly string[];
}

/** s3rver's store, as far as reading a bucket's CORS configuration and whether an object exists go. */
interface CorsConfigStore {
  getSubresource(bucket: string, key: undefined, type: 'cors'): Promise<{ matchRule(origin: string, method: string): CorsRule | undefined } | null>;
  existsObject(bucket: string, key: string): Promise<boolean>;
}

/** The part of s3rver's Koa context the adapter uses. */
export interface AdapterContext {
  readonly method: string;
  /** Replaced by a stream of the same bytes when the adapter reads or hashes the body before s3rver. */
  req: IncomingMessage;
  readonly store?: CorsConfigStore;
  status: number;
  body: unknown;
  type: string;
  set(field: string, value: string): void;
  remove?(field: string): void;
}

const MAX_PART_NUMBER = 10_000;
const MULTIPART_PARAMS = ['uploadId', 'partNumber'] as const;

/**
 * Koa middleware that runs before s3rver 3.7.1's own routes and fills what it lacks against real
 * S3: every request but a CORS preflight must be signed with the local key, presigned or in its
 * `Authorization` header, and the signature must verify (s3rver serves unsigned requests and
 * never checks a SigV4 signature), apart from plain reads of public-read buckets; ListParts
 * and AbortMultipartUpload are served from its filesystem store (s3rver answers 405), and
 * UploadPart / CompleteMultipartUpload to an upload that does not exist (aborted, completed)
 * fail with NoSuchUpload instead of writing stray parts or failing with a 500. Like S3, it
 * checks `x-amz-checksum-crc32c`: a part whose bytes hash to another CRC-32C is refused (400
 * BadDigest) and removed (s3rver has stored it by then; an earlier copy of the same part number
 * is gone with it, where S3 would keep it), a verified part keeps its checksum for ListParts,
 * and a CompleteMultipartUpload whose FULL_OBJECT checksum the parts do not combine to is
 * refused before s3rver assembles anything; the object it assembles keeps that checksum, which
 * GetObjectAttributes answers (s3rver does not know the operation). ListObjectsV2 is served from
 * the store too (s3rver fails every truncated one with a 500: see listObjectsV2.ts). A PUT with
 * `If-None-Match: *` over an object that exists is refused (412 PreconditionFailed), as S3's
 * conditional write does. Everything else passes through to s3rver.
 */
export function s3rverAdapter(options: S3rverAdapterOptions) {
  const now = options.now ?? (() => new Date());
  const publicReadBuckets = new Set(options.publicReadBuckets ?? []);

  return async function s3rverAdapterMiddleware(ctx: AdapterContext, next: () => Promise<void>): Promise<void> {
    const url = ctx.req.url ?? '/';
    const queryStart = url.indexOf('?');
    const rawPath = queryStart === -1 ? url : url.slice(0, queryStart);
    const query = new URLSearchParams(queryStart === -1 ? '' : url.slice(queryStart + 1));

    // Before anything else, preflights included: they reach s3rver's store unsigned.
    const escapingName = storeEscapingName(rawPath, headerValue(ctx.req.headers['x-amz-copy-source']));
    if (escapingName !== undefined) {
      return respondWithError(ctx, '', {
        status: 400,
        code: 'InvalidArgument',
        message: "Local mode refuses a bucket name or key with a '.' or '..' segment: its S3 emulator stores objects as files, and the name would leave the data folder",
        detail: { ArgumentName: 'key', ArgumentValue: escapingName },
      });
    }

    // A CORS preflight carries no credentials; s3rver answers it from the bucket's CORS rules.
    if (ctx.method === 'OPTIONS') return next();

    const [bucket, key] = splitPath(rawPath);

    const denied = await authorizeS3Request(
      { method: ctx.method, rawPath, query, headers: ctx.req.headers, bucket, key },
      { credentials: options.credentials, publicReadBuckets, now: now() },
    );
    if (denied) return respondWithError(ctx, bucket, denied);

    // s3rver joins uploadId and partNumber onto file paths as Koa parses them, where a repeated
    // parameter becomes a list ('1,../../x'): only the one value checked here may reach it.
    const repeated = MULTIPART_PARAMS.find((name) => query.getAll(name).length > 1);
    if (repeated !== undefined) {
      return respondWithError(ctx, bucket, {
        status: 400,
        code: 'InvalidArgument',
        message: `The ${repeated} parameter may appear only once`,
        detail: { ArgumentName: repeated, ArgumentValue: query.getAll(repeated).join(',') },
      });
    }

    if (ctx.method === 'GET' && !key && query.get('list-type') === '2') {
      const listed = await listObjectsV2(options.objects, bucket, query);
      if ('error' in listed) return respondWithError(ctx, bucket, listed.error);
      return respondWithXml(ctx, bucket, listed.xml);
    }
    if (ctx.method === 'GET' && key && query.has('attributes')) {
      const answer = await getObjectAttributes(options.objects, bucket, key, headerValue(ctx.req.headers['x-amz-object-attributes']));
      if ('error' in answer) return respondWithError(ctx, bucket, answer.error);
      ctx.set('Last-Modified', answer.lastModified.toUTCString());
      return respondWithXml(ctx, bucket, answer.xml);
    }

    const uploadId = query.get('uploadId');
    // S3's conditional write (the single-PUT URL signs it): an object under the key is not replaced.
    if (ctx.method === 'PUT' && uploadId === null && key && headerValue(ctx.req.headers['if-none-match']) === '*' && (await ctx.store?.existsObject(bucket, key))) {
      return respondWithError(ctx, bucket, {
        status: 412,
        code: 'PreconditionFailed',
        message: 'At least one of the pre-conditions you specified did not hold',
        detail: { Condition: 'If-None-Match' },
      });
    }
    if (uploadId === null || !key) return next();

    const upload = await options.store.get(bucket, uploadId);
    if (!upload || upload.key !== key) return respondWithError(ctx, bucket, noSuchUpload(uploadId));

    switch (ctx.method) {
      case 'GET':
        return respondWithXml(
          ctx,
          bucket,
          listPartsXml({
            bucket,
            uploadId,
            upload,
            maxParts: optionalInteger(query.get('max-parts')),
            partNumberMarker: optionalInteger(query.get('part-number-marker')),
          }),
        );
      case 'DELETE':
        await options.store.abort(bucket, uploadId);
        await applyCors(ctx, bucket);
        ctx.status = 204;
        return;
      case 'PUT': {
        const partNumber = query.get('partNumber') ?? '';
        if (!/^\d+$/.test(partNumber) || Number(partNumber) < 1 || Number(partNumber) > MAX_PART_NUMBER) {
          return respondWithError(ctx, bucket, {
            status: 400,
            code: 'InvalidArgument',
            message: `Part number must be an integer between 1 and ${MAX_PART_NUMBER}, inclusive`,
            detail: { ArgumentName: 'partNumber', ArgumentValue: partNumber },
          });
        }
        const expected = headerValue(ctx.req.headers[CHECKSUM_HEADER]);
        if (expected === undefined) return next();
        const hashed = await hashingBody(ctx.req);
        ctx.req = hashed.body;
        await next();
        if (ctx.status < 200 || ctx.status > 299) return;
        const calculated = hashed.digest();
        if (calculated !== expected) {
          await options.store.removePart(bucket, uploadId, Number(partNumber));
          ctx.remove?.('ETag');
          return respondWithError(ctx, bucket, badDigest(expected, calculated));
        }
        await options.store.setPartChecksum(bucket, uploadId, Number(partNumber), calculated);
        return;
      }
      case 'POST': {
        const expected = headerValue(ctx.req.headers[CHECKSUM_HEADER]);
        if (expected === undefined) return s3OperationContext.run('CompleteMultipartUpload', next);
        const body = await readBody(ctx.req);
        const partNumbers = completedPartNumbers(body.toString('utf8'));
        const calculated = await fullObjectChecksum(options.store, bucket, uploadId, upload.parts, partNumbers);
        if (calculated !== undefined && calculated !== expected) return respondWithError(ctx, bucket, badDigest(expected, calculated));
        ctx.req = replaceBody(ctx.req, Readable.from([body]));
        await s3OperationContext.run('CompleteMultipartUpload', next);
        // Undefined when a listed part was missing: s3rver refused the complete itself.
        if (calculated !== undefined && ctx.status >= 200 && ctx.status <= 299) await options.objects.keepFullObjectChecksum(bucket, key, calculated);
        return;
      }
      default:
        return next();
    }
  };
}

/**
 * Path-style addressing: `/<bucket>/<key…>`, percent-decoded as s3rver's router decodes them
 * (a key that is not valid percent-encoding stays as sent: it must still meet the multipart
 * checks, or its uploadId and partNumber would reach s3rver's store unchecked).
 */
function splitPath(rawPath: string): [bucket: string, key: string | undefined] {
  const [bucket = '', ...keySegments] = rawPath.slice(1).split('/');
  return [percentDecoded(bucket), keySegments.length > 0 ? percentDecoded(keySegments.join('/')) : undefined];
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(',') : value;
}

function optionalInteger(value: string | null): number | undefined {
  return value !== null && /^\d+$/.test(value) ? Number(value) : undefined;
}

function noSuchUpload(uploadId: string): S3ErrorInfo {
  return {
    status: 404,
    code: 'NoSuchUpload',
    message: 'The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.',
    detail: { UploadId: uploadId },
  };
}

async function respondWithXml(ctx: AdapterContext, bucket: string, xml: string): Promise<void> {
  await applyCors(ctx, bucket);
  ctx.status = 200;
  ctx.type = 'application/xml';
  ctx.body = xml;
}

async function respondWithError(ctx: AdapterContext, bucket: string, error: S3ErrorInfo): Promise<void> {
  const requestId = randomBytes(8).toString('hex').toUpperCase();
  await applyCors(ctx, bucket);
  ctx.set('x-amz-request-id', requestId);
  ctx.status = error.status;
  ctx.type = 'application/xml';
  ctx.body = s3ErrorXml(error, requestId);
}

/** Like S3, a browser can read the answer (errors included) when the bucket's CORS rules allow its origin. */
async function applyCors(ctx: AdapterContext, bucket: string): Promise<void> {
  const origin = ctx.req.headers.origin;
  if (!origin || !ctx.store || !bucket) return;
  const config = await ctx.store.getSubresource(bucket, undefined, 'cors');
  const rule = config?.matchRule(origin, ctx.method);
  if (!rule) return;
  ctx.set('Access-Control-Allow-Origin', rule.hasWildcardOrigin ? '*' : origin);
  if (rule.exposeHeaders.length > 0) ctx.set('Access-Control-Expose-Headers', rule.exposeHeaders.join(', '));
  ctx.set('Vary', 'Origin, Access-Control-Request-Headers, Access-Control-Request-Method');
}
