import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SecretsEndpointOptions {
  /** Always a loopback address: the endpoint checks no signature and hands out a private key. */
  readonly host: string;
  readonly port: number;
  /** Secret values by ARN. */
  readonly secrets: ReadonlyMap<string, string>;
}

export interface SecretsEndpoint {
  readonly endpoint: string;
  stop(): Promise<void>;
}

const MAX_REQUEST_BYTES = 16 * 1024;

/**
 * The one call of Secrets Manager's JSON protocol the functions make
 * (`x-amz-target: secretsmanager.GetSecretValue`), so the signing code reads its key through
 * the SDK as on AWS. Anything else is answered as Secrets Manager answers an unknown operation.
 */
export async function startSecretsEndpoint(options: SecretsEndpointOptions): Promise<SecretsEndpoint> {
  const server = createServer((request, response) => {
    const send = (status: number, body: unknown) => {
      response.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' });
      response.end(JSON.stringify(body));
    };
    readBody(request).then(
      (raw) => {
        if (request.headers['x-amz-target'] !== 'secretsmanager.GetSecretValue') {
          send(400, { __type: 'UnknownOperationException', message: `local mode serves only GetSecretValue, not ${String(request.headers['x-amz-target'])}` });
          return;
        }
        let secretId: unknown;
        try {
          secretId = (JSON.parse(raw) as { SecretId?: unknown }).SecretId;
        } catch {
          send(400, { __type: 'InvalidRequestException', message: 'The body is not JSON' });
          return;
        }
        const value = typeof secretId === 'string' ? options.secrets.get(secretId) : undefined;
        if (value === undefined) {
          send(400, { __type: 'ResourceNotFoundException', message: `Secrets Manager can't find the specified secret: ${String(secretId)}` });
          return;
        }
        send(200, { ARN: secretId, Name: String(secretId).split(':').pop(), SecretString: value, VersionId: 'local', VersionStages: ['AWSCURRENT'], CreatedDate: 0 });
      },
      () => send(413, { __type: 'InvalidRequestException', message: 'The request is too large' }),
    );
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

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_REQUEST_BYTES) throw new Error('too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}
