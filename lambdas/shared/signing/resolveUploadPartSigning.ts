import { type S3Client, UploadPartCommand } from '@aws-sdk/client-s3';
import { HttpRequest } from '@smithy/protocol-http';

/** Where the UploadPart requests of one multipart upload go, and what signs them. */
export interface UploadPartSigning {
  readonly protocol: string;
  /** Host name with `:port` when the endpoint has one: the URL's authority and the signed `host` header. */
  readonly host: string;
  /** The URI-encoded path (the key encoded once, `/` kept), as S3 canonicalizes it. */
  readonly path: string;
  /** The operation's own query parameters (`uploadId`, `x-id`), without `partNumber`. */
  readonly query: Readonly<Record<string, string>>;
  readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string; readonly sessionToken?: string };
  readonly signingRegion: string;
  readonly signingService: string;
}

/** What the client's auth-scheme middleware leaves in the context for its signer. */
interface SelectedAuthScheme {
  readonly httpAuthOption?: { readonly schemeId?: string; readonly signingProperties?: Record<string, unknown> };
  readonly identity?: Record<string, unknown>;
}

const SIGV4_SCHEME = 'aws.auth#sigv4';

/**
 * Runs one UploadPart command through the client's own middleware stack up to the signer and
 * keeps what the signer would get: the serialized request (the client's endpoint rules pick
 * host and path: virtual-hosted on AWS, path-style against the local emulator or for bucket
 * names that cannot be a host name; its serializer encodes the key) and the credentials and
 * signing region its auth-scheme middleware resolved. That is one endpoint and one
 * credentials resolution per multipart upload, where `getSignedUrl` pays both per part.
 * Nothing is sent: the capturing middleware answers before the signer and the transport.
 */
export async function resolveUploadPartSigning(
  client: S3Client,
  bucket: string,
  key: string,
  multipartUploadId: string,
): Promise<UploadPartSigning> {
  let resolved: UploadPartSigning | undefined;
  const stack = client.middlewareStack.clone();
  stack.addRelativeTo(
    (_next: unknown, context: Record<string, unknown>) => async (args: { request: unknown }) => {
      resolved = fromSigningInputs(args.request, context, bucket);
      return { response: {}, output: { $metadata: {} } };
    },
    { name: 'captureUploadPartSigning', relation: 'before', toMiddleware: 'awsAuthMiddleware', override: true },
  );
  const command = new UploadPartCommand({ Bucket: bucket, Key: key, UploadId: multipartUploadId, PartNumber: 1, ContentLength: 0 });
  await command.resolveMiddleware(stack, client.config, {})({ input: command.input });
  if (!resolved) throw new Error('The UploadPart request never reached the signer');
  return resolved;
}

function fromSigningInputs(request: unknown, context: Record<string, unknown>, bucket: string): UploadPartSigning {
  if (!HttpRequest.isInstance(request)) throw new Error('UploadPart did not serialize to an HTTP request');
  const selected = (context.__smithy_context as { selectedHttpAuthScheme?: SelectedAuthScheme } | undefined)?.selectedHttpAuthScheme;
  const schemeId = selected?.httpAuthOption?.schemeId;
  if (schemeId !== SIGV4_SCHEME) {
    throw new Error(`Bucket ${bucket} is signed with ${schemeId ?? 'no auth scheme'}; part URLs support ${SIGV4_SCHEME} only`);
  }
  const identity = selected?.identity ?? {};
  const { accessKeyId, secretAccessKey, sessionToken } = identity;
  if (typeof accessKeyId !== 'string' || typeof secretAccessKey !== 'string') {
    throw new Error('The S3 client resolved no usable credentials');
  }
  const properties = selected?.httpAuthOption?.signingProperties ?? {};
  const signingRegion = properties.signingRegion ?? context.signing_region;
  if (typeof signingRegion !== 'string') throw new Error('The S3 client resolved no signing region');
  const { partNumber: _partNumber, ...query } = request.query;
  return {
    protocol: request.protocol,
    host: request.port == null ? request.hostname : `${request.hostname}:${request.port}`,
    path: request.path,
    query: Object.fromEntries(Object.entries(query).map(([name, value]) => [name, String(value)])),
    credentials: { accessKeyId, secretAccessKey, ...(typeof sessionToken === 'string' ? { sessionToken } : {}) },
    signingRegion,
    signingService: String(properties.signingName ?? context.signing_service ?? 's3'),
  };
}
