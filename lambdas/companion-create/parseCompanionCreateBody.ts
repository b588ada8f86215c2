import * as z from 'zod/mini';
import { type CreateUploadBody, parseCreateUploadBody } from '../create-upload/parseCreateUploadBody.js';
import { ValidationError } from '../shared/errors.js';
import { MiB, S3_MAX_PART_COUNT, type UploadPolicy } from '../shared/mediaPolicy.js';
import { describeValue } from '../shared/validation/describeValue.js';

/** A `POST /s3/multipart` body as the upload to start: the checked body and how its size is known. */
export interface CompanionCreate {
  readonly body: CreateUploadBody;
  /** `open` when the metadata carries no `size`. */
  readonly sizeMode?: 'open';
}

/**
 * Metadata keys that steer the upload rather than ride on its record: `size` and `partSize`
 * (see `parseCompanionCreateBody`), and Uppy's own copies of the file's `name` and `type`,
 * which the record holds as `filename` and `contentType`.
 */
export const COMPANION_CONTROL_KEYS = ['size', 'partSize', 'name', 'type'] as const;

/** Uppy's part size when `getChunkSize` is not set: 5 MiB, or more to stay within 10,000 parts. */
export function uppyDefaultPartSize(size: number): number {
  return Math.max(5 * MiB, Math.ceil(size / S3_MAX_PART_COUNT));
}

/** The body as Uppy's `@uppy/aws-s3` 5.x sends it, for the OpenAPI document; `parseCompanionCreateBody` checks it. */
export const companionCreateBodySchema = z.strictObject({
  filename: z.string(),
  type: z.string(),
  metadata: z.optional(z.record(z.string(), z.string())),
});

const bodySchema = z.strictObject({ filename: z.unknown(), type: z.unknown(), metadata: z.optional(z.unknown()) });
const DIGITS = /^[1-9][0-9]{0,15}$/;

/**
 * Maps Companion's `{ filename, type, metadata }` onto `POST /uploads`'s body and checks it with
 * the very same rules and codes (`parseCreateUploadBody`). Companion never sends the file size,
 * so the metadata decides the size mode:
 * - `size` present (strict): the declared size, checked at once (413 TOO_LARGE over the limit);
 *   the part size is `partSize` from the metadata when the client sets Uppy's `getChunkSize`,
 *   else the size Uppy cuts parts at (`uppyDefaultPartSize`), so each part URL signs the exact
 *   length Uppy will PUT;
 * - `size` absent (open): the size limit stands in until complete measures the parts.
 * `size` and `partSize` must be decimal digits (400 INVALID_SIZE, INVALID_PART_SIZE); they,
 * `name` and `type` are left out of the metadata stored on the record.
 */
export function parseCompanionCreateBody(body: unknown, policy: UploadPolicy): CompanionCreate {
  const shape = bodySchema.safeParse(body);
  if (!shape.success) {
    throw new ValidationError(`The request body must be a JSON object with filename, type and metadata (as Uppy sends it); got ${describeValue(body)}`);
  }
  const { filename, type, metadata } = shape.data;
  if (typeof type !== 'string') throw new ValidationError(`type must be the file's content type, such as video/mp4; got ${describeValue(type)}`);
  if (metadata !== undefined && (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata))) {
    throw new ValidationError(`metadata must be an object whose values are strings; got ${describeValue(metadata)}`, 'INVALID_METADATA');
  }
  const { size: sizeText, partSize: partSizeText, name: _name, type: _type, ...rest } = (metadata ?? {}) as Record<string, unknown>;

  const size = sizeText === undefined ? undefined : digits(sizeText, 'size', 'INVALID_SIZE');
  const partSize = partSizeText === undefined ? undefined : digits(partSizeText, 'partSize', 'INVALID_PART_SIZE');
  if (size === undefined && partSize !== undefined) {
    throw new ValidationError('metadata.partSize only counts with metadata.size; add the file size, or leave both out', 'INVALID_PART_SIZE');
  }
  const checked = parseCreateUploadBody(
    {
      filename,
      contentType: type,
      size: size ?? policy.maxFileSize,
      ...(Object.keys(rest).length > 0 ? { metadata: rest } : {}),
      ...(size === undefined ? {} : { partSize: partSize ?? uppyDefaultPartSize(size) }),
    },
    policy,
  );
  return size === undefined ? { body: checked, sizeMode: 'open' } : { body: checked };
}

function digits(value: unknown, field: string, code: string): number {
  const text = typeof value === 'number' ? String(value) : value;
  if (typeof text !== 'string' || !DIGITS.test(text) || !Number.isSafeInteger(Number(text))) {
    throw new ValidationError(`metadata.${field} must be a whole number of bytes; got ${describeValue(value)}`, code);
  }
  return Number(text);
}
