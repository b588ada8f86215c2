import { startNewUpload } from '../create-upload/createUpload.js';
import { parseCompanionCreateBody } from '../companion-create/parseCompanionCreateBody.js';
import { uploadPolicy } from '../shared/config.js';
import { ValidationError } from '../shared/errors.js';
import type { ApiRequest } from '../shared/http/apiRequest.js';
import type { ApiResponse } from '../shared/http/httpHandler.js';
import { PUT_ONCE_HEADERS } from '../shared/presignPutObject.js';

/** `GET /s3/params` answer: how Uppy PUTs the whole file. */
export interface CompanionUploadParameters {
  readonly method: 'PUT';
  readonly url: string;
  /** Uppy reads the object's key from here: the upload id, as on the multipart routes. */
  readonly fields: { readonly key: string };
  /** Uppy sends these with the PUT; the URL signs `if-none-match`, so S3 writes the original once. */
  readonly headers: { readonly 'content-type': string; readonly 'if-none-match': '*' };
}

const METADATA_PARAMETER = /^metadata\[(.+)\]$/;

/**
 * `GET /s3/params?filename=&type=&metadata[size]=…` (Companion's single-request upload, which
 * Uppy uses with `shouldUseMultipart: false`): starts an upload like `POST /s3/multipart` (the
 * same checks and limits) and answers a presigned PUT of the whole file. The size must be
 * declared (`metadata[size]`, 400 SIZE_REQUIRED otherwise), since a PUT URL signs its length;
 * at most 5 GiB. No complete follows: processing finds the original at the declared size and
 * moves the upload on.
 */
export async function companionParams(request: ApiRequest): Promise<ApiResponse> {
  const policy = uploadPolicy();
  const { filename, type, ...rest } = request.query;
  const metadata: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(rest)) {
    const key = METADATA_PARAMETER.exec(name)?.[1];
    if (key === undefined) throw new ValidationError(`Unknown query parameter ${name}; GET /s3/params takes filename, type and metadata[…]`);
    metadata[key] = value;
  }
  const { body, sizeMode } = parseCompanionCreateBody({ filename, type, metadata }, policy);
  if (sizeMode === 'open') {
    throw new ValidationError(
      "A single PUT signs the file's length: set the file's meta size (metadata[size]), or upload in parts (shouldUseMultipart: true)",
      'SIZE_REQUIRED',
    );
  }
  const { partSize: _partSize, ...whole } = body;
  const started = await startNewUpload(request.ownerId, whole, policy, { singlePut: true });
  if (started.putUrl === undefined) throw new Error(`Upload ${started.uploadId} was started without its PUT URL`);
  const answer: CompanionUploadParameters = {
    method: 'PUT',
    url: started.putUrl,
    fields: { key: started.uploadId },
    headers: { 'content-type': body.contentType, ...PUT_ONCE_HEADERS },
  };
  return { statusCode: 200, body: answer };
}
