import * as z from 'zod/mini';
import { uploadIdSchema } from './validation/uploadId.js';

/**
 * A message of the invalidation queue: the upload whose cached outputs CloudFront must forget.
 * `requestInvalidation` sends it; the invalidate-media function reads it.
 */
export const invalidationRequestSchema = z.object({ uploadId: uploadIdSchema });

export type InvalidationRequest = z.infer<typeof invalidationRequestSchema>;
