import { type S3Client, UploadPartCommand } from '@aws-sdk/client-s3';
import { HttpRequest } from '@smithy/protocol-http';

/** Where an UploadPart request for one multipart upload goes, and how it is signed. */
export interface UploadPartRequestTemplate {
  readonly protocol: string;
  /** Host name with `:port` when the endpoint has one: the URL's authority and the signed `host` header. */
  readonly host: string;
  /** The URI-encoded path (the key encoded once, `/` kept), as S3 canonicalizes it. */
  readonly path: string;
  /** The operation's own query parameters (`uploadId`, `x-id`), without `partNumber`. */
  readonly query: Readonly<Record<string, string>>;
  readonly signingRegion: string;
  readonly signingService: string;
}

const CAPTURE_MIDDLEWARE = 'captureUploadPartRequest';

/**
 * Runs one UploadPart command through the client's own middleware stack up to signing and
 * keeps the serialized request: the client's endpoint rules choose the host and path
 * (virtual-hosted on AWS, path-style against the local emulator or for bucket names that
 * cannot be a host name) and its serializer encodes the key. That costs one endpoint
 * resolution per multipart upload instead of one per part, as `getSignedUrl` would.
 * Nothing is sent: the middleware answers before the signer and the transport.
 */
export async function uploadPartRequestTemplate(
  client: S3Client,
  bucket: string,
  key: string,
  multipartUploadId: string,
): Promise<UploadPartRequestTemplate> {
  let captured: UploadPartRequestTemplate | undefined;
  const stack = client.middlewareStack.clone();
  stack.addRelativeTo(
    (_next: unknown, context: Record<string, unknown>) => async (args: { request: unknown }) => {
      const { request } = args;
      if (!HttpRequest.isInstance(request)) throw new Error('UploadPart did not serialize to an HTTP request');
      const authScheme = (context.endpointV2 as { properties?: { authSchemes?: { name?: string }[] } } | undefined)
        ?.properties?.authSchemes?.[0];
      if (authScheme?.name !== undefined && authScheme.name !== 'sigv4') {
        throw new Error(`Bucket ${bucket} needs the ${authScheme.name} auth scheme; part URLs are signed with SigV4 only`);
      }
      const { partNumber: _partNumber, ...query } = request.query;
      captured = {
        protocol: request.protocol,
        host: request.port == null ? request.hostname : `${request.hostname}:${request.port}`,
        path: request.path,
        query: Object.fromEntries(Object.entries(query).map(([name, value]) => [name, String(value)])),
        signingRegion: (context.signing_region as string | undefined) ?? (await client.config.region()),
        signingService: (context.signing_service as string | undefined) ?? 's3',
      };
      return { response: {}, output: { $metadata: {} } };
    },
    { name: CAPTURE_MIDDLEWARE, relation: 'before', toMiddleware: 'awsAuthMiddleware', override: true },
  );
  const command = new UploadPartCommand({ Bucket: bucket, Key: key, UploadId: multipartUploadId, PartNumber: 1, ContentLength: 0 });
  await command.resolveMiddleware(stack, client.config, {})({ input: command.input });
  if (!captured) throw new Error('UploadPart request was not captured before signing');
  return captured;
}
