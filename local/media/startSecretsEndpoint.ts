import { type AwsJsonAnswer, type AwsJsonEndpoint, startAwsJsonEndpoint } from '../awsJson/startAwsJsonEndpoint.js';
import type { LocalCredentials } from '../localDefaults.js';

export interface SecretsEndpointOptions {
  /** Always a loopback address: it hands out a private key and webhook secrets, to local mode's functions only. */
  readonly host: string;
  readonly port: number;
  /** Local mode's key pair: only requests signed with it are answered. */
  readonly credentials: LocalCredentials;
  /** Secret values by ARN. */
  readonly secrets: ReadonlyMap<string, string>;
}

export type SecretsEndpoint = AwsJsonEndpoint;

const MAX_REQUEST_BYTES = 16 * 1024;

/**
 * The one call of Secrets Manager's JSON protocol the functions make
 * (`x-amz-target: secretsmanager.GetSecretValue`), so the signing code reads its key through
 * the SDK as on AWS. Only requests signed with local mode's key are answered
 * (startAwsJsonEndpoint), as Secrets Manager answers only callers its policies allow.
 */
export function startSecretsEndpoint(options: SecretsEndpointOptions): Promise<SecretsEndpoint> {
  return startAwsJsonEndpoint({
    host: options.host,
    port: options.port,
    signingName: 'secretsmanager',
    credentials: options.credentials,
    contentType: 'application/x-amz-json-1.1',
    maxRequestBytes: MAX_REQUEST_BYTES,
    operations: { 'secretsmanager.GetSecretValue': (input) => getSecretValue(input.SecretId, options.secrets) },
  });
}

function getSecretValue(secretId: unknown, secrets: ReadonlyMap<string, string>): AwsJsonAnswer {
  const value = typeof secretId === 'string' ? secrets.get(secretId) : undefined;
  if (value === undefined) {
    return { status: 400, body: { __type: 'ResourceNotFoundException', message: `Secrets Manager can't find the specified secret: ${String(secretId)}` } };
  }
  return {
    status: 200,
    body: { ARN: secretId, Name: String(secretId).split(':').pop(), SecretString: value, VersionId: 'local', VersionStages: ['AWSCURRENT'], CreatedDate: 0 },
  };
}
