import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { GetObjectCommand, NoSuchKey, type S3Client } from '@aws-sdk/client-s3';
import type { APIGatewayProxyStructuredResultV2, LambdaFunctionURLEvent } from 'aws-lambda';
import type { KeyObject } from 'node:crypto';
import { isIndexPath, SIGNED_QUERY } from '../../lambdas/shared/mediaAccess/signedQuery.js';
import { verifyMediaGrant } from '../../lambdas/shared/mediaAccess/verifyMediaGrant.js';
import type { LocalLog } from '../localLog.js';

export interface MediaServerOptions {
  readonly host: string;
  readonly port: number;
  /** The host name clients use: what signed URLs name, and what the policy's resource must match. */
  readonly publicHost: string;
  /** Reads outputs from the S3 emulator's media bucket. */
  readonly s3: S3Client;
  readonly bucket: string;
  /** The key group: public keys by id. */
  readonly publicKeys: ReadonlyMap<string, KeyObject>;
  /** Invokes the playlist function (lambdas/serve-playlist) with a function URL event. */
  readonly invokePlaylistFunction: (event: LambdaFunctionURLEvent) => Promise<APIGatewayProxyStructuredResultV2>;
  readonly log: LocalLog;
  readonly now?: () => Date;
}

export interface MediaServer {
  /** `http://<publicHost>:<port>`: the `MEDIA_BASE_URL` of local mode under signed access. */
  readonly baseUrl: string;
  stop(): Promise<void>;
}

/** Only what processing writes: one upload folder, then safe names (no `.`/`..` segments, no encoded separators). */
const MEDIA_PATH = /^\/media\/[A-Za-z0-9_-]{1,64}\/(?:[A-Za-z0-9_-][A-Za-z0-9_.-]{0,127}\/){0,4}[A-Za-z0-9_-][A-Za-z0-9_.-]{0,127}$/;
const CORS = { 'access-control-allow-origin': '*', 'access-control-expose-headers': 'Content-Length, Content-Range, Content-Type, ETag' };

/**
 * Local mode's CloudFront under signed access: every media request must carry a valid signature
 * (the same check, `verifyMediaGrant`, against the URL asked for), or it is refused with 403 as
 * CloudFront refuses it. Playlists go, as on AWS, to the playlist function with the signed
 * parameters removed (CloudFront removes them too) and the `grant-*` copies kept; everything else
 * is read from the emulator's media bucket, which under signed access is not public.
 */
export async function startMediaServer(options: MediaServerOptions): Promise<MediaServer> {
  const now = options.now ?? (() => new Date());
  const baseUrl = `http://${options.publicHost.includes(':') ? `[${options.publicHost}]` : options.publicHost}`;
  let port = 0;

  const server = createServer((request, response) => {
    serve(request, response).catch((error: unknown) => {
      options.log.error('the local media server failed a request', error);
      if (!response.headersSent) send(response, 500, 'InternalError', 'The media server failed');
      else response.destroy();
    });
  });

  async function serve(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const method = request.method ?? 'GET';
    if (method === 'OPTIONS') {
      response.writeHead(204, { ...CORS, 'access-control-allow-methods': 'GET, HEAD, OPTIONS', 'access-control-allow-headers': 'Range, Origin, Accept, Accept-Encoding', 'access-control-max-age': '86400' });
      response.end();
      return;
    }
    if (method !== 'GET' && method !== 'HEAD') return send(response, 405, 'MethodNotAllowed', `Media is read with GET or HEAD, not ${method}`);
    const target = request.url ?? '/';
    const queryAt = target.indexOf('?');
    const path = queryAt === -1 ? target : target.slice(0, queryAt);
    const rawQuery = queryAt === -1 ? '' : target.slice(queryAt + 1);
    if (!MEDIA_PATH.test(path)) return send(response, 404, 'NotFound', 'No media at this path');

    const query = new URLSearchParams(rawQuery);
    const verdict = verifyMediaGrant({
      policy: query.get(SIGNED_QUERY.policy) ?? undefined,
      signature: query.get(SIGNED_QUERY.signature) ?? undefined,
      keyPairId: query.get(SIGNED_QUERY.keyPairId) ?? undefined,
      url: `${baseUrl}:${port}${path}`,
      publicKeys: options.publicKeys,
      now: now(),
    });
    if (!verdict.ok) return send(response, 403, 'AccessDenied', `Access denied: ${verdict.reason}`);

    if (isIndexPath(path)) {
      const signedNames = new Set<string>(Object.values(SIGNED_QUERY));
      const forwarded = rawQuery.split('&').filter((pair) => pair !== '' && !signedNames.has(pair.split('=', 1)[0] ?? ''));
      const result = await options.invokePlaylistFunction(functionUrlEvent(method, path, forwarded.join('&'), request));
      const body = result.body ?? '';
      response.writeHead(result.statusCode ?? 200, { ...stringHeaders(result.headers), ...CORS });
      response.end(method === 'HEAD' ? undefined : body);
      return;
    }

    const range = typeof request.headers.range === 'string' ? request.headers.range : undefined;
    let object;
    try {
      object = await options.s3.send(new GetObjectCommand({ Bucket: options.bucket, Key: path.slice(1), Range: range }));
    } catch (error) {
      if (error instanceof NoSuchKey || (error as { name?: string }).name === 'NoSuchKey') return send(response, 404, 'NotFound', 'No media at this path');
      throw error;
    }
    response.writeHead(object.ContentRange ? 206 : 200, {
      ...CORS,
      ...(object.ContentType ? { 'content-type': object.ContentType } : {}),
      ...(object.CacheControl ? { 'cache-control': object.CacheControl } : {}),
      ...(object.ContentLength === undefined ? {} : { 'content-length': String(object.ContentLength) }),
      ...(object.ContentRange ? { 'content-range': object.ContentRange } : {}),
      ...(object.ETag ? { etag: object.ETag } : {}),
      'accept-ranges': 'bytes',
    });
    if (method === 'HEAD' || !object.Body) {
      response.end();
      return;
    }
    (object.Body as Readable).pipe(response);
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  return {
    baseUrl: `${baseUrl}:${port}`,
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

/** The request as a Lambda function URL hands it to the function (payload format 2.0). */
function functionUrlEvent(method: string, path: string, rawQueryString: string, request: IncomingMessage): LambdaFunctionURLEvent {
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: path,
    rawQueryString,
    headers: Object.fromEntries(Object.entries(request.headers).flatMap(([name, value]) => (typeof value === 'string' ? [[name, value]] : []))),
    ...(rawQueryString === '' ? {} : { queryStringParameters: Object.fromEntries(new URLSearchParams(rawQueryString)) }),
    requestContext: {
      accountId: 'anonymous',
      apiId: 'local-playlist-function',
      domainName: 'local-playlist-function.lambda-url.localhost',
      domainPrefix: 'local-playlist-function',
      http: { method, path, protocol: 'HTTP/1.1', sourceIp: request.socket.remoteAddress ?? '127.0.0.1', userAgent: request.headers['user-agent'] ?? '' },
      requestId: crypto.randomUUID(),
      routeKey: '$default',
      stage: '$default',
      time: new Date().toISOString(),
      timeEpoch: Date.now(),
    },
    isBase64Encoded: false,
  } as LambdaFunctionURLEvent;
}

function stringHeaders(headers: APIGatewayProxyStructuredResultV2['headers']): Record<string, string> {
  return Object.fromEntries(Object.entries(headers ?? {}).map(([name, value]) => [name, String(value)]));
}

/** CloudFront's error shape: an XML body with a code and a message. */
function send(response: ServerResponse, status: number, code: string, message: string): void {
  const body = `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${message.replace(/[<>&]/g, ' ')}</Message></Error>`;
  response.writeHead(status, { ...CORS, 'content-type': 'text/xml', 'cache-control': 'no-store', 'content-length': String(Buffer.byteLength(body)) });
  response.end(body);
}
