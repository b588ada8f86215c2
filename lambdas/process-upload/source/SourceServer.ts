import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { logger } from '../../shared/logger.js';

export interface SourceServerOptions {
  readonly s3: S3Client;
  readonly bucket: string;
  readonly key: string;
}

/** `bytes=START-` or `bytes=START-END`: the only ranges ffmpeg's http protocol asks for. */
const RANGE = /^bytes=(\d{1,19})-(\d{1,19})?$/;

/**
 * Serves one S3 object to ffmpeg and ffprobe on a loopback port, as `url`, with HTTP range
 * requests mapped onto ranged GetObject calls made by this function with its own role.
 *
 * Why not hand ffmpeg a presigned S3 URL: ffmpeg would then resolve S3's host name and speak TLS
 * itself. A static ffmpeg resolves names through a libc that is not the host's (the npm builds
 * crashed on every named host, as Lambda's always are) and needs a CA bundle where Lambda keeps
 * its own; and a signed URL in ffmpeg's arguments and error lines is a credential in the logs.
 * Here ffmpeg only ever opens `http://127.0.0.1`, the SDK does names, TLS, signing and retries,
 * and the layer's ffmpeg is built without TLS or any protocol it does not need.
 *
 * Any other path is a 404 without an S3 call, so the server can never be made to read another
 * object, whatever an upload names inside it.
 */
export class SourceServer {
  private bytes = 0;
  private requests = 0;

  private constructor(
    private readonly server: Server,
    /** The URL ffmpeg reads the object from. */
    readonly url: string,
  ) {}

  static async start(options: SourceServerOptions): Promise<SourceServer> {
    const path = `/${randomBytes(16).toString('hex')}`;
    let instance: SourceServer | undefined;
    const server = createServer((request, response) => {
      if (!instance) return void response.writeHead(503).end();
      instance.serve(request, response, path, options).catch((error: unknown) => {
        // A fault here must not escape as an unhandled rejection, which ends a Lambda process.
        logger.error('The source server failed a request', { error });
        if (response.headersSent) response.destroy();
        else response.writeHead(500).end();
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    const { port } = server.address() as AddressInfo;
    instance = new SourceServer(server, `http://127.0.0.1:${port}${path}`);
    return instance;
  }

  /** Bytes sent to readers so far, and the requests that asked for them. */
  get served(): { readonly bytes: number; readonly requests: number } {
    return { bytes: this.bytes, requests: this.requests };
  }

  /** Stops listening and cuts the connections still open (a reader killed mid-read). */
  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async serve(request: IncomingMessage, response: ServerResponse, path: string, options: SourceServerOptions): Promise<void> {
    this.requests += 1;
    if (request.url !== path) return void response.writeHead(404).end();
    if (request.method !== 'GET') return void response.writeHead(405, { allow: 'GET' }).end();
    const rangeHeader = request.headers.range;
    if (rangeHeader !== undefined && !RANGE.test(rangeHeader)) return void response.writeHead(416).end();

    const abort = new AbortController();
    response.once('close', () => abort.abort());
    let object;
    try {
      object = await options.s3.send(new GetObjectCommand({ Bucket: options.bucket, Key: options.key, Range: rangeHeader }), {
        abortSignal: abort.signal,
      });
    } catch (error) {
      if (abort.signal.aborted) return;
      const status = statusFor(error);
      if (status >= 500) logger.warn('Could not read the original from S3 for ffmpeg', { error });
      return void response.writeHead(status).end();
    }
    const headers: Record<string, string | number> = { 'accept-ranges': 'bytes', 'content-type': 'application/octet-stream' };
    if (object.ContentLength !== undefined) headers['content-length'] = object.ContentLength;
    if (object.ContentRange !== undefined) headers['content-range'] = object.ContentRange;
    response.writeHead(object.ContentRange === undefined ? 200 : 206, headers);
    const body = object.Body as Readable;
    body.on('data', (chunk: Buffer) => {
      this.bytes += chunk.length;
    });
    try {
      await pipeline(body, response);
    } catch (error) {
      // A reader that seeks closes its connection mid-body; an S3 stream that breaks is cut
      // short on purpose, so ffmpeg sees a dropped connection and resumes with a range request.
      if (!abort.signal.aborted) logger.warn('The original stopped streaming from S3; ffmpeg will reconnect', { error });
      response.destroy();
      body.destroy();
    }
  }
}

/** S3's refusals keep their meaning for ffmpeg; anything else is a fault worth a retry (5xx). */
function statusFor(error: unknown): number {
  const name = (error as { name?: string }).name;
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  if (name === 'NoSuchKey' || status === 404) return 404;
  if (name === 'InvalidRange' || status === 416) return 416;
  if (status === 403) return 403;
  return 503;
}
