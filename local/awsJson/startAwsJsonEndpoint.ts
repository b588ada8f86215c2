import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { LocalCredentials } from '../localDefaults.js';
import type { SigV4Refusal } from '../sigv4/sigV4Checks.js';
import { verifyAuthorizationHeader } from '../sigv4/verifyAuthorizationHeader.js';

/** What an operation answers: a status, the JSON body and any extra headers. */
export interface AwsJsonAnswer {
  readonly status: number;
  readonly body: Readonly<Record<string, unknown>>;
  readonly headers?: Readonly<Record<string, string>>;
}

/** One operation: takes the request's JSON object, answers synchronously (local stand-ins keep their state in memory). */
export type AwsJsonOperation = (input: Readonly<Record<string, unknown>>) => AwsJsonAnswer;

export interface AwsJsonEndpointOptions {
  /** Always a loopback address: the endpoint stands in for one service's few calls, for local mode's functions only. */
  readonly host: string;
  readonly port: number;
  /** The name requests are signed for (`events`, `sqs`, `secretsmanager`): the credential scope must name it. */
  readonly signingName: string;
  /** Local mode's key pair, which the functions sign with: a request signed with anything else is refused. */
  readonly credentials: LocalCredentials;
  /** The protocol's content type, as the service answers (`application/x-amz-json-1.0` or `-1.1`). */
  readonly contentType: string;
  /** The largest request body taken; a larger one is answered 413 and never parsed. */
  readonly maxRequestBytes: number;
  /** The operations served, by their `x-amz-target` (`AWSEvents.PutEvents`); any other is refused as the service refuses it. */
  readonly operations: Readonly<Record<string, AwsJsonOperation>>;
  /** Tests move the clock to see a stale signature refused. @default - the system clock */
  readonly now?: () => Date;
}

export interface AwsJsonEndpoint {
  readonly endpoint: string;
  stop(): Promise<void>;
}

/**
 * A loopback HTTP endpoint for a few calls of an AWS JSON-protocol service (POST `/`, the
 * operation in `x-amz-target`, a JSON object body), so local mode's functions call it through
 * the SDK as on AWS. Each request is checked the way those services check it before anything
 * else happens: a SigV4 `Authorization` header with local mode's key, for this service, dated
 * within 15 minutes, over these very body bytes (verifyAuthorizationHeader, the check local S3
 * makes). An unsigned, wrongly signed or stale request is answered 403 with the service's JSON
 * error and reaches no operation: any process on this machine can open a loopback port, but
 * only one that holds the key (in the data folder, readable by its owner only) can put events,
 * queue webhook deliveries that get signed with the real secret, or read secrets.
 */
export async function startAwsJsonEndpoint(options: AwsJsonEndpointOptions): Promise<AwsJsonEndpoint> {
  const now = options.now ?? (() => new Date());
  const server = createServer((request, response) => {
    readBody(request, options.maxRequestBytes)
      .then((body) => (body ? answer(request, body, options, now()) : failure(413, 'RequestEntityTooLarge', `The request is over ${options.maxRequestBytes} bytes`)))
      // Anything thrown here would leave the request hanging and reject unhandled, ending local mode.
      .catch((error: unknown) => failure(500, 'InternalFailure', (error as Error).message))
      .then((result) => send(response, options.contentType, result));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://${options.host}:${port}`,
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeIdleConnections();
      }),
  };
}

async function answer(request: IncomingMessage, body: Buffer, options: AwsJsonEndpointOptions, now: Date): Promise<AwsJsonAnswer> {
  const refused = await checkSignature(request, body, options, now);
  if (refused) return refused;

  const target = request.headers['x-amz-target'];
  const operation = typeof target === 'string' && Object.hasOwn(options.operations, target) ? options.operations[target] : undefined;
  if (!operation) {
    return failure(400, 'UnknownOperationException', `local mode's ${options.signingName} serves only ${Object.keys(options.operations).join(', ')}, not ${String(target)}`);
  }
  let input: unknown;
  try {
    input = JSON.parse(body.toString('utf8'));
  } catch {
    input = undefined;
  }
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return failure(400, 'SerializationException', 'The request body is not a JSON object');
  }
  return operation(input as Record<string, unknown>);
}

/** The JSON error a refused signature gets: the codes these services use, all 403. */
async function checkSignature(request: IncomingMessage, body: Buffer, options: AwsJsonEndpointOptions, now: Date): Promise<AwsJsonAnswer | undefined> {
  const authorization = request.headers.authorization;
  if (authorization === undefined) {
    return failure(403, 'MissingAuthenticationTokenException', `Request is missing Authentication Token: local mode's ${options.signingName} takes only requests signed with local mode's key`);
  }
  const url = new URL(request.url ?? '/', 'http://localhost');
  const refusal = await verifyAuthorizationHeader(
    {
      method: request.method ?? 'POST',
      rawPath: url.pathname,
      query: url.searchParams,
      headers: request.headers,
      bodySha256: createHash('sha256').update(body).digest('hex'),
    },
    authorization,
    options.credentials,
    now,
    options.signingName,
  );
  return refusal && failure(403, jsonErrorType(refusal), refusal.message);
}

/** The error type a JSON-protocol service gives for what local S3 calls `refusal.code`. */
function jsonErrorType(refusal: SigV4Refusal): string {
  switch (refusal.code) {
    case 'InvalidAccessKeyId':
      return 'UnrecognizedClientException';
    case 'SignatureDoesNotMatch':
    case 'RequestTimeTooSkewed':
    case 'XAmzContentSHA256Mismatch':
      return 'InvalidSignatureException';
    default:
      return 'IncompleteSignatureException';
  }
}

function failure(status: number, type: string, message: string): AwsJsonAnswer {
  return { status, body: { __type: type, message } };
}

function send(response: ServerResponse, contentType: string, { status, body, headers }: AwsJsonAnswer): void {
  response.writeHead(status, { 'content-type': contentType, ...headers });
  response.end(JSON.stringify(body));
}

/** The whole body, or undefined past `limit`, once the rest was read and dropped so that the answer still reaches the client. */
function readBody(request: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
    });
    request.on('end', () => resolve(size > limit ? undefined : Buffer.concat(chunks)));
    request.on('error', reject);
  });
}
