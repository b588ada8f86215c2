import type { ApiTransport } from './apiTransport.js';
import type {
  CompletedPart,
  CompleteUploadInput,
  CreatedUpload,
  CreateUploadInput,
  DownloadLink,
  ListUploadsQuery,
  PartChecksum,
  PipelineConfig,
  PublicUpload,
  SignedParts,
  UploadDetails,
  UploadList,
} from './types.js';

export interface RequestOptions {
  readonly signal?: AbortSignal;
}

/** One typed method per route of the HTTP API. */
export interface MediaPipelineApi {
  createUpload(input: CreateUploadInput, options?: RequestOptions): Promise<CreatedUpload>;
  /** Part numbers, or (for a checksum upload) parts with their CRC-32C, which each URL then signs. */
  signParts(uploadId: string, parts: readonly number[] | readonly PartChecksum[], options?: RequestOptions): Promise<SignedParts>;
  getUpload(uploadId: string, options?: RequestOptions): Promise<UploadDetails>;
  /** Without `parts` the API takes the list from S3; a checksum upload needs `checksumCRC32C`. */
  completeUpload(uploadId: string, input?: readonly CompletedPart[] | CompleteUploadInput, options?: RequestOptions): Promise<PublicUpload>;
  /** Cancels an unfinished upload, or removes a finished one with its outputs. */
  deleteUpload(uploadId: string, options?: RequestOptions): Promise<PublicUpload | undefined>;
  listUploads(query?: ListUploadsQuery, options?: RequestOptions): Promise<UploadList>;
  /**
   * A short-lived URL of the original file (`uploaded`, `processing`, `ready` or `failed`; else
   * ApiError 409 `INVALID_STATE`). Fetch it without the token: a browser saves it under the
   * upload's filename, and `Range` resumes (`client/node`'s `downloadToFile` does both).
   */
  downloadUrl(uploadId: string, options?: RequestOptions): Promise<DownloadLink>;
  getConfig(options?: RequestOptions): Promise<PipelineConfig>;
}

export function createApi(transport: ApiTransport): MediaPipelineApi {
  const uploadPath = (uploadId: string) => `/uploads/${encodeURIComponent(uploadId)}`;
  return {
    createUpload: (input, options = {}) => transport.request('POST', '/uploads', { body: input, ...options }),
    signParts: (uploadId, parts, options = {}) =>
      transport.request('POST', `${uploadPath(uploadId)}/parts`, {
        body: parts.every((part) => typeof part === 'number') ? { partNumbers: parts } : { parts },
        ...options,
      }),
    getUpload: (uploadId, options = {}) => transport.request('GET', uploadPath(uploadId), options),
    completeUpload: (uploadId, input, options = {}) =>
      transport.request('POST', `${uploadPath(uploadId)}/complete`, { body: completeBody(input), ...options }),
    deleteUpload: (uploadId, options = {}) => transport.request('DELETE', uploadPath(uploadId), options),
    listUploads: (query = {}, options = {}) =>
      transport.request('GET', '/uploads', { query: { status: query.status, limit: query.limit, cursor: query.cursor }, ...options }),
    downloadUrl: (uploadId, options = {}) => transport.request('GET', `${uploadPath(uploadId)}/download`, options),
    getConfig: (options = {}) => transport.request('GET', '/config', options),
  };
}

function completeBody(input: readonly CompletedPart[] | CompleteUploadInput | undefined): CompleteUploadInput {
  if (input === undefined) return {};
  return Array.isArray(input) ? { parts: input as readonly CompletedPart[] } : (input as CompleteUploadInput);
}
