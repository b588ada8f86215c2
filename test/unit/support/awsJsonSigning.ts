import { Hash } from '@smithy/hash-node';
import { SignatureV4 } from '@smithy/signature-v4';
import type { LocalCredentials } from '../../../local/localDefaults.js';

export interface JsonSigning {
  readonly credentials: LocalCredentials;
  /** The signing name (`events`, `sqs`, `secretsmanager`). */
  readonly service: string;
  /** `x-amz-target`. */
  readonly target: string;
  /** @default - now */
  readonly date?: Date;
  /** Sign as botocore does for JSON services: the payload hash goes into the signature but not into a header. */
  readonly withoutPayloadHeader?: boolean;
}

/**
 * The headers for POSTing `body` to a JSON-protocol `endpoint` (path `/`), with the SigV4
 * `Authorization`, `x-amz-date` and (unless left out) `x-amz-content-sha256` a signer adds: a
 * request the SDK would not make (a wrong key, an old date, another body) signed as it signs.
 */
export async function signedJsonHeaders(endpoint: string, body: string, signing: JsonSigning): Promise<Record<string, string>> {
  const { hostname, port } = new URL(endpoint);
  const signer = new SignatureV4({
    credentials: signing.credentials,
    region: 'us-east-1',
    service: signing.service,
    sha256: Hash.bind(null, 'sha256'),
    applyChecksum: !signing.withoutPayloadHeader,
  });
  const request = await signer.sign(
    {
      method: 'POST',
      protocol: 'http:',
      hostname,
      port: Number(port),
      path: '/',
      headers: { host: `${hostname}:${port}`, 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': signing.target },
      body,
    },
    { signingDate: signing.date ?? new Date() },
  );
  return request.headers as Record<string, string>;
}
