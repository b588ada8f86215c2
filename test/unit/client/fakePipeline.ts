import { createHash } from 'node:crypto';
import type { FetchFunction } from '../../../client/apiTransport.js';
import { crc32c, crc32cBase64 } from '../../../client/crc32c.js';

/**
 * The HTTP API and S3's presigned part PUTs, faked behind an injected `fetch`: tests see every
 * request the client makes, can make any of them fail, and nothing touches a socket.
 */
export interface FakeUpload {
  readonly uploadId: string;
  readonly filename: string;
  readonly contentType: string;
  readonly size: number;
  readonly partSize: number;
  readonly partCount: number;
  readonly metadata?: Record<string, string>;
  /** Created with checksums: part URLs sign a CRC-32C, PUTs must carry it and match it. */
  readonly checksumAlgorithm?: 'CRC32C';
  status: string;
  readonly parts: Map<number, Uint8Array>;
}

export interface ApiCall {
  readonly method: string;
  readonly path: string;
  readonly body: unknown;
  readonly authorization: string | null;
}

/** A GET of a download URL, with the Range it asked for (null: the whole object). */
export interface ObjectGet {
  readonly uploadId: string;
  readonly range: string | null;
}

export interface PartPut {
  readonly uploadId: string;
  readonly partNumber: number;
  readonly url: string;
}

/** Return a Response to answer instead of the fake, throw to simulate no answer, or undefined to let it answer. */
export type Interceptor<T> = (request: T) => Response | undefined | Promise<Response | undefined>;

export interface FakePipelineOptions {
  readonly token?: string;
  /** Part size when the client asks for none. */
  readonly partSize?: number;
  readonly maxPartUrls?: number;
  /** How long each PUT takes, so that PUTs overlap. */
  readonly putDelayMs?: number;
  /** Honour `checksumAlgorithm: 'CRC32C'` as the API does (else the upload is created without checksums). */
  readonly checksums?: boolean;
}

export const API_URL = 'https://api.example.test';
const S3_URL = 'https://uploads.s3.example.test';

export class FakePipeline {
  readonly token: string;
  readonly uploads = new Map<string, FakeUpload>();
  readonly apiCalls: ApiCall[] = [];
  readonly puts: PartPut[] = [];
  readonly gets: ObjectGet[] = [];
  maxPutsInFlight = 0;
  onApi: Interceptor<ApiCall> | undefined;
  onPut: Interceptor<PartPut> | undefined;
  onGet: Interceptor<ObjectGet> | undefined;

  private readonly partSize: number;
  private readonly maxPartUrls: number;
  private readonly putDelayMs: number;
  private readonly checksums: boolean;
  private putsInFlight = 0;
  private nextId = 1;
  private signatures = 0;

  constructor(options: FakePipelineOptions = {}) {
    this.token = options.token ?? 'token-1';
    this.partSize = options.partSize ?? 4;
    this.maxPartUrls = options.maxPartUrls ?? 1000;
    this.putDelayMs = options.putDelayMs ?? 0;
    this.checksums = options.checksums ?? false;
  }

  readonly fetch: FetchFunction = async (input, init = {}) => {
    const url = new URL(input);
    const signal = init.signal ?? undefined;
    signal?.throwIfAborted();
    if (url.origin === S3_URL) return (init.method ?? 'GET') === 'GET' ? this.get(url, init) : this.put(url, init, signal);
    const call: ApiCall = {
      method: init.method ?? 'GET',
      path: url.pathname + url.search,
      body: typeof init.body === 'string' ? JSON.parse(init.body) : undefined,
      authorization: new Headers(init.headers).get('authorization'),
    };
    this.apiCalls.push(call);
    const intercepted = await this.onApi?.(call);
    return intercepted ?? this.api(call, url);
  };

  callsTo(method: string, pathPattern: RegExp): ApiCall[] {
    return this.apiCalls.filter((call) => call.method === method && pathPattern.test(call.path));
  }

  /** The bytes S3 holds for an upload, parts in order. */
  bytesOf(uploadId: string): Buffer {
    const upload = this.upload(uploadId);
    return Buffer.concat([...upload.parts.entries()].sort(([a], [b]) => a - b).map(([, bytes]) => bytes));
  }

  upload(uploadId: string): FakeUpload {
    const upload = this.uploads.get(uploadId);
    if (!upload) throw new Error(`No fake upload ${uploadId}`);
    return upload;
  }

  /** Stores a part as if an earlier run had sent it. */
  storePart(uploadId: string, partNumber: number, bytes: Uint8Array): void {
    this.upload(uploadId).parts.set(partNumber, bytes);
  }

  /** An upload whose original S3 holds in full, as if it had been uploaded and completed. */
  addStored(filename: string, bytes: Uint8Array, status = 'ready'): string {
    const uploadId = `up${this.nextId++}`;
    const upload: FakeUpload = {
      uploadId,
      filename,
      contentType: 'video/mp4',
      size: bytes.length,
      partSize: bytes.length,
      partCount: 1,
      status,
      parts: new Map([[1, bytes]]),
    };
    this.uploads.set(uploadId, upload);
    return uploadId;
  }

  etagOf(bytes: Uint8Array): string {
    return `"${createHash('md5').update(bytes).digest('hex')}"`;
  }

  private async put(url: URL, init: RequestInit, signal: AbortSignal | undefined): Promise<Response> {
    const [, uploadId = ''] = /^\/uploads\/([^/]+)\/source$/.exec(url.pathname) ?? [];
    const put: PartPut = { uploadId, partNumber: Number(url.searchParams.get('partNumber')), url: url.href };
    this.puts.push(put);
    this.putsInFlight += 1;
    this.maxPutsInFlight = Math.max(this.maxPutsInFlight, this.putsInFlight);
    try {
      const bytes = new Uint8Array(await new Response(init.body).arrayBuffer());
      await delay(this.putDelayMs, signal);
      const intercepted = await this.onPut?.(put);
      if (intercepted) return intercepted;
      const upload = this.uploads.get(uploadId);
      if (!upload || upload.status !== 'initiated') return xmlError(404, 'NoSuchUpload', 'The specified upload does not exist');
      if (upload.checksumAlgorithm) {
        const signed = url.searchParams.get('checksum');
        const sent = new Headers(init.headers).get('x-amz-checksum-crc32c');
        if (signed === null || sent !== signed) return xmlError(403, 'AccessDenied', 'There were headers present in the request which were not signed');
        if (crc32cBase64(crc32c(bytes)) !== sent) return xmlError(400, 'BadDigest', 'The CRC32C you specified did not match the calculated checksum.');
      }
      upload.parts.set(put.partNumber, bytes);
      return new Response(null, { status: 200, headers: { etag: this.etagOf(bytes) } });
    } finally {
      this.putsInFlight -= 1;
    }
  }

  /** A presigned GET of an original, with S3's single-range semantics (`bytes=N-` and `bytes=N-M`). */
  private async get(url: URL, init: RequestInit): Promise<Response> {
    const [, uploadId = ''] = /^\/uploads\/([^/]+)\/source$/.exec(url.pathname) ?? [];
    const get: ObjectGet = { uploadId, range: new Headers(init.headers).get('range') };
    this.gets.push(get);
    const intercepted = await this.onGet?.(get);
    if (intercepted) return intercepted;
    if (!this.uploads.has(uploadId)) return xmlError(404, 'NoSuchKey', 'The specified key does not exist.');
    const bytes = new Uint8Array(this.bytesOf(uploadId));
    const headers = { 'content-type': 'video/mp4', 'content-disposition': `attachment; filename="${this.upload(uploadId).filename}"` };
    if (get.range === null) return new Response(bytes, { status: 200, headers: { ...headers, 'content-length': String(bytes.length) } });
    const [, first = '', last] = /^bytes=(\d+)-(\d*)$/.exec(get.range) ?? [];
    const start = Number(first);
    if (first === '' || start >= bytes.length) return xmlError(416, 'InvalidRange', 'The requested range is not satisfiable');
    const end = last === undefined || last === '' ? bytes.length - 1 : Math.min(Number(last), bytes.length - 1);
    return new Response(bytes.subarray(start, end + 1), {
      status: 206,
      headers: { ...headers, 'content-length': String(end + 1 - start), 'content-range': `bytes ${start}-${end}/${bytes.length}` },
    });
  }

  private api(call: ApiCall, url: URL): Response {
    if (call.authorization !== `Bearer ${this.token}`) return json(401, { message: 'Unauthorized' });
    const route = `${call.method} ${url.pathname.replace(/^\/uploads\/[^/]+/, '/uploads/{id}')}`;
    const uploadId = decodeURIComponent(url.pathname.split('/')[2] ?? '');
    const body = (call.body ?? {}) as Record<string, unknown>;
    switch (route) {
      case 'POST /uploads':
        return this.create(body);
      case 'POST /uploads/{id}/parts':
        return body.parts === undefined
          ? this.sign(uploadId, body.partNumbers as number[])
          : this.signChecksums(uploadId, body.parts as { partNumber: number; checksumCRC32C: string }[]);
      case 'GET /uploads/{id}':
        return this.withUpload(uploadId, (upload) => json(200, this.details(upload)));
      case 'POST /uploads/{id}/complete':
        return this.withUpload(uploadId, (upload) =>
          this.complete(upload, body.parts as { partNumber: number; etag: string }[] | undefined, body.checksumCRC32C as string | undefined),
        );
      case 'DELETE /uploads/{id}':
        return this.withUpload(uploadId, (upload) => {
          upload.status = 'cancelled';
          upload.parts.clear();
          return json(200, this.record(upload));
        });
      case 'GET /uploads/{id}/download':
        return this.withUpload(uploadId, (upload) =>
          ['initiated', 'cancelled', 'expired'].includes(upload.status)
            ? json(409, { error: { code: 'INVALID_STATE', message: `Upload ${uploadId} is ${upload.status}` } })
            : json(200, { url: `${S3_URL}/uploads/${uploadId}/source?X-Amz-Signature=get`, expiresAt: new Date(Date.now() + 300_000).toISOString() }),
        );
      case 'GET /uploads':
        return json(200, { items: [...this.uploads.values()].map((upload) => this.record(upload)) });
      case 'GET /config':
        return json(200, {
          maxFileSize: 1024 ** 3,
          acceptedTypes: { audio: ['audio/mpeg'], video: ['video/mp4'], image: [] },
          parts: { defaultSize: this.partSize, minSize: 1, maxSize: 1024, maxCount: 10_000, maxUrlsPerResponse: this.maxPartUrls, urlExpirySeconds: 900 },
          uploadExpirySeconds: 86_400,
          filename: { maxLength: 255 },
          metadata: { maxBytes: 2048, keyPattern: '^[a-zA-Z][a-zA-Z0-9_-]{0,63}$' },
        });
      default:
        return json(404, { message: 'Not Found' });
    }
  }

  private create(body: Record<string, unknown>): Response {
    const size = body.size as number;
    const partSize = (body.partSize as number | undefined) ?? this.partSize;
    const partCount = Math.max(1, Math.ceil(size / partSize));
    const uploadId = `up${this.nextId++}`;
    const checksums = this.checksums && body.checksumAlgorithm === 'CRC32C';
    const upload: FakeUpload = {
      uploadId,
      filename: body.filename as string,
      contentType: body.contentType as string,
      size,
      partSize,
      partCount,
      ...(body.metadata ? { metadata: body.metadata as Record<string, string> } : {}),
      ...(checksums && { checksumAlgorithm: 'CRC32C' as const }),
      status: 'initiated',
      parts: new Map(),
    };
    this.uploads.set(uploadId, upload);
    // Like the API: a checksum upload's URLs must sign checksums it does not know yet.
    const first = checksums ? [] : Array.from({ length: Math.min(partCount, this.maxPartUrls) }, (_, index) => index + 1);
    return json(201, {
      uploadId,
      status: 'initiated',
      partSize,
      partCount,
      ...(checksums && { checksumAlgorithm: 'CRC32C' }),
      parts: this.partUrls(uploadId, first),
      expiresAt: new Date(Date.now() + 86_400_000).toISOString(),
      partUrlsExpireAt: new Date(Date.now() + 900_000).toISOString(),
    });
  }

  private sign(uploadId: string, partNumbers: number[]): Response {
    if (partNumbers.length > this.maxPartUrls) {
      return json(400, { error: { code: 'TOO_MANY_PARTS', message: `At most ${this.maxPartUrls} part numbers per request` } });
    }
    return this.withUpload(uploadId, () =>
      json(200, { parts: this.partUrls(uploadId, partNumbers), partUrlsExpireAt: new Date(Date.now() + 900_000).toISOString() }),
    );
  }

  private signChecksums(uploadId: string, parts: { partNumber: number; checksumCRC32C: string }[]): Response {
    if (parts.length > this.maxPartUrls) {
      return json(400, { error: { code: 'INVALID_PART_NUMBERS', message: `At most ${this.maxPartUrls} parts per request` } });
    }
    return this.withUpload(uploadId, () => {
      const urls = this.partUrls(uploadId, parts.map((part) => part.partNumber));
      return json(200, {
        parts: urls.map((part, index) => ({ ...part, url: `${part.url}&checksum=${encodeURIComponent(parts[index]?.checksumCRC32C ?? '')}` })),
        partUrlsExpireAt: new Date(Date.now() + 900_000).toISOString(),
      });
    });
  }

  private complete(upload: FakeUpload, parts: { partNumber: number; etag: string }[] | undefined, checksum: string | undefined): Response {
    // Like the real API: completing a completed upload answers with its record.
    if (upload.status === 'uploaded') return json(200, this.record(upload));
    if (upload.status !== 'initiated') {
      return json(409, { error: { code: 'INVALID_STATE', message: `Upload ${upload.uploadId} is ${upload.status}` } });
    }
    for (const part of parts ?? []) {
      const stored = upload.parts.get(part.partNumber);
      if (!stored || this.etagOf(stored) !== part.etag) {
        return json(400, { error: { code: 'INVALID_PART', message: `Part ${part.partNumber} has another ETag` } });
      }
    }
    const total = [...upload.parts.values()].reduce((sum, bytes) => sum + bytes.length, 0);
    if (total !== upload.size) {
      return json(422, { error: { code: 'SIZE_MISMATCH', message: `Expected ${upload.size} bytes, S3 holds ${total}` } });
    }
    if (upload.checksumAlgorithm && checksum !== crc32cBase64(crc32c(this.bytesOf(upload.uploadId)))) {
      return json(422, { error: { code: 'CHECKSUM_MISMATCH', message: `The parts do not make a file whose CRC-32C is ${checksum}` } });
    }
    upload.status = 'uploaded';
    return json(200, this.record(upload));
  }

  private withUpload(uploadId: string, answer: (upload: FakeUpload) => Response): Response {
    const upload = this.uploads.get(uploadId);
    return upload ? answer(upload) : json(404, { error: { code: 'NOT_FOUND', message: `Upload ${uploadId} was not found` } });
  }

  private partUrls(uploadId: string, partNumbers: number[]) {
    this.signatures += 1;
    return partNumbers.map((partNumber) => ({
      partNumber,
      url: `${S3_URL}/uploads/${uploadId}/source?partNumber=${partNumber}&X-Amz-Signature=sig${this.signatures}`,
    }));
  }

  private record(upload: FakeUpload) {
    const { parts: _parts, ...rest } = upload;
    return { ...rest, createdAt: '2025-01-01T00:00:00.000Z', updatedAt: '2025-01-01T00:00:00.000Z', expiresAt: '2025-01-02T00:00:00.000Z' };
  }

  private details(upload: FakeUpload) {
    if (upload.status !== 'initiated') return this.record(upload);
    const uploadedParts = [...upload.parts.entries()]
      .sort(([a], [b]) => a - b)
      .map(([partNumber, bytes]) => ({ partNumber, size: bytes.length, etag: this.etagOf(bytes) }));
    return { ...this.record(upload), uploadedParts };
  }
}

export function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
}

export function xmlError(status: number, code: string, message: string): Response {
  return new Response(`<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${message}</Message></Error>`, {
    status,
    headers: { 'content-type': 'application/xml' },
  });
}

function delay(ms: number, signal: AbortSignal | undefined): Promise<void> {
  if (ms === 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Deterministic bytes: a test can tell every position apart. */
export function patternBytes(size: number): Uint8Array<ArrayBuffer> {
  return Uint8Array.from({ length: size }, (_, index) => (index * 31 + 7) % 251);
}
