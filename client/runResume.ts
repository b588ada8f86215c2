import type { MediaPipelineApi } from './createApi.js';
import { SourceMismatchError, UploadFailedError } from './errors.js';
import { PartUrlBook } from './PartUrlBook.js';
import { withRetries } from './retry.js';
import { type TransferContext, transferUpload } from './transferUpload.js';
import type { PublicUpload, UploadStatus } from './types.js';
import type { UploadSource } from './uploadSource.js';

/** States in which the upload already has all its bytes: resuming has nothing left to do. */
const COMPLETED: readonly UploadStatus[] = ['uploaded', 'processing', 'ready'];

/**
 * Continues an upload from what S3 holds (`uploadedParts`, from ListParts): only the missing
 * parts are sent, then the upload is completed.
 */
export async function runResume(
  api: MediaPipelineApi,
  uploadId: string,
  source: UploadSource,
  context: TransferContext,
): Promise<PublicUpload> {
  const { signal } = context;
  const retry = { retries: context.options.retries, delay: context.retryDelay, signal };
  // The config says how many part numbers one signing request may carry.
  const [{ uploadedParts, ...record }, config] = await Promise.all([
    withRetries(() => api.getUpload(uploadId, { signal }), retry),
    withRetries(() => api.getConfig({ signal }), retry),
  ]);

  if (COMPLETED.includes(record.status)) return record;
  if (record.status !== 'initiated') {
    throw new UploadFailedError('INVALID_STATE', `Upload ${uploadId} is ${record.status} and takes no more parts`, { uploadId });
  }
  if (source.size !== record.size) throw new SourceMismatchError(uploadId, record.size, source.size);

  const urls = new PartUrlBook({
    uploadId,
    batchSize: config.parts.maxUrlsPerResponse,
    sign: (partNumbers) => withRetries(() => api.signParts(uploadId, partNumbers, { signal }), retry),
  });
  return transferUpload(
    {
      uploadId,
      source,
      size: record.size,
      partSize: record.partSize,
      partCount: record.partCount,
      uploaded: uploadedParts ?? [],
      urls,
      checksums: record.checksumAlgorithm === 'CRC32C',
    },
    context,
  );
}
