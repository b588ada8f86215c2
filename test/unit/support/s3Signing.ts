import type { IncomingHttpHeaders } from 'node:http';
import { Readable } from 'node:stream';
import { S3Client } from '@aws-sdk/client-s3';
import { Hash } from '@smithy/hash-node';
import { type HttpRequest, HttpResponse } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import type { LocalCredentials } from '../../../local/localDefaults.js';
import type { ReceivedRequest } from '../../../local/sigv4/sigV4Checks.js';

/**
 * The request an S3 client for local mode (path-style, `endpoint`, `credentials`) sends for
 * `command` (any S3 command), as a server receives it (path as sent, lower-case headers), captured in place of
 * the network: the client's own middleware serializes and signs it, so the signature is exactly
 * the SDK's.
 */
export async function sentByS3Client(
  credentials: LocalCredentials,
  command: object,
  endpoint = 'http://127.0.0.1:4568',
): Promise<ReceivedRequest> {
  let sent: ReceivedRequest | undefined;
  const requestHandler = {
    handle: async (request: HttpRequest) => {
      const query = new URLSearchParams();
      for (const [name, value] of Object.entries(request.query ?? {})) {
        for (const each of [value ?? ''].flat()) query.append(name, each ?? '');
      }
      const headers: IncomingHttpHeaders = {};
      for (const [name, value] of Object.entries(request.headers)) headers[name.toLowerCase()] = value;
      sent = { method: request.method, rawPath: request.path, query, headers };
      return { response: new HttpResponse({ statusCode: 200, headers: {}, body: Readable.from([]) }) };
    },
  };
  const client = new S3Client({
    region: 'us-east-1',
    endpoint,
    forcePathStyle: true,
    credentials,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    requestHandler,
  });
  // The fake answer may not parse as the command's output; only the request matters here.
  const send = client.send.bind(client) as (command: object) => Promise<unknown>;
  await send(command).catch(() => undefined);
  if (!sent) throw new Error('The client sent nothing');
  return sent;
}

/**
 * `headers` plus the SigV4 `Authorization`, `x-amz-date` and `x-amz-content-sha256` headers the
 * SDK's signer adds for a request to `url` (path-style, signed as written), with UNSIGNED-PAYLOAD.
 */
export async function signedHeaders(
  method: string,
  url: string,
  headers: Record<string, string>,
  credentials: LocalCredentials,
  signingDate: Date = new Date(),
): Promise<Record<string, string>> {
  const parsed = new URL(url, 'http://127.0.0.1:4568');
  const query: Record<string, string | string[]> = {};
  for (const [name, value] of parsed.searchParams) {
    const existing = query[name];
    query[name] = existing === undefined ? value : [...[existing].flat(), value];
  }
  const signer = new SignatureV4({ credentials, region: 'us-east-1', service: 's3', sha256: Hash.bind(null, 'sha256'), uriEscapePath: false });
  const signed = await signer.sign(
    {
      method,
      protocol: 'http:',
      hostname: '127.0.0.1',
      port: 4568,
      path: url.slice(0, url.indexOf('?') === -1 ? undefined : url.indexOf('?')),
      query,
      headers: { host: '127.0.0.1:4568', 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD', ...headers },
    },
    { signingDate },
  );
  return signed.headers as Record<string, string>;
}
