import { contentTypeFor } from './contentTypeFor.js';
import type { MediaPipelineApi } from './createApi.js';
import { ApiError } from './errors.js';
import { PartUrlBook } from './PartUrlBook.js';
import { withRetries } from './retry.js';
import { type TransferContext, transferUpload } from './transferUpload.js';
import type { PublicUpload } from './types.js';
import type { UploadOptions } from './uploadOptions.js';
import type { UploadSource } from './uploadSource.js';

/**
 * Creates the upload, then sends and completes it. Creating is not idempotent, so it is
 * retried only on answers that API Gateway gives before any handler ran (throttling). The
 * API's own 429 `RATE_LIMITED` is not retried: the hourly limit lasts until the hour ends.
 */
export async function runUpload(
  api: MediaPipelineApi,
  source: UploadSource,
  options: UploadOptions,
  context: TransferContext,
  onUploadId: (uploadId: string) => void,
): Promise<PublicUpload> {
  const filename = options.filename ?? source.name;
  if (filename === undefined || filename === '') {
    throw new TypeError('upload needs a filename: pass options.filename or upload a File');
  }
  const contentType = options.contentType || source.type || contentTypeFor(filename);
  if (!contentType) throw new TypeError(`Cannot tell the content type of "${filename}" from its name; pass options.contentType`);

  const { signal } = context;
  const checksums = options.checksums !== false;
  // A checksum upload's URLs are signed in batches as parts are hashed (the create answer has
  // none); how many one request may carry is the deployer's setting, asked alongside create. If
  // that fails, one part per request still works.
  const batchLimit = checksums
    ? api.getConfig({ signal }).then(
        (config) => config.parts.maxUrlsPerResponse,
        () => 1,
      )
    : undefined;
  const created = await withRetries(
    () =>
      api.createUpload(
        {
          filename,
          contentType,
          size: source.size,
          ...(options.metadata === undefined ? {} : { metadata: options.metadata }),
          ...(options.partSize === undefined ? {} : { partSize: options.partSize }),
          ...(checksums && { checksumAlgorithm: 'CRC32C' as const }),
        },
        { signal },
      ),
    {
      retries: context.options.retries,
      delay: context.retryDelay,
      signal,
      shouldRetry: (error) => error instanceof ApiError && error.status === 429 && error.code !== 'RATE_LIMITED',
    },
  );
  onUploadId(created.uploadId);
  options.onCreated?.(created);

  const urls = new PartUrlBook({
    uploadId: created.uploadId,
    // The first answer carries as many URLs as the API hands out at once: ask for no more.
    batchSize: Math.max(1, created.parts.length, (await batchLimit) ?? 0),
    sign: (partNumbers) =>
      withRetries(() => api.signParts(created.uploadId, partNumbers, { signal }), {
        retries: context.options.retries,
        delay: context.retryDelay,
        signal,
      }),
  });
  urls.add(created.parts, created.partUrlsExpireAt);

  return transferUpload(
    {
      uploadId: created.uploadId,
      source,
      size: source.size,
      partSize: created.partSize,
      partCount: created.partCount,
      uploaded: [],
      urls,
      checksums: created.checksumAlgorithm === 'CRC32C',
    },
    context,
  );
}
