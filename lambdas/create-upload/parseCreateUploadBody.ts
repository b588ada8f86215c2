import * as z from 'zod/mini';
import { TooLargeError, UnsupportedTypeError, ValidationError } from '../shared/errors.js';
import { kindOf, MEDIA_KINDS, type MediaKind, type UploadPolicy } from '../shared/mediaPolicy.js';
import { describeValue } from '../shared/validation/describeValue.js';
import { parseFilename } from '../shared/validation/filename.js';
import { parseMetadata } from '../shared/validation/metadata.js';

/** A `POST /uploads` body that passed every rule, with its media kind. */
export interface CreateUploadBody {
  readonly filename: string;
  /** Lower case, as the allow-list holds it. */
  readonly contentType: string;
  readonly kind: MediaKind;
  readonly size: number;
  readonly metadata?: Readonly<Record<string, string>>;
  /** Checked against the policy by `partPlan`, which knows the size. */
  readonly partSize?: number;
}

const FIELDS = ['filename', 'contentType', 'size', 'metadata', 'partSize'] as const;

const bodySchema = z.strictObject(Object.fromEntries(FIELDS.map((field) => [field, z.optional(z.unknown())])));
const sizeSchema = z.number().check(z.refine((size) => Number.isSafeInteger(size) && size > 0));

/**
 * Checks a `POST /uploads` body field by field, in a fixed order, and answers the first
 * broken rule with its own code: 400 INVALID_REQUEST (not an object, unknown fields, no
 * content type), 400 INVALID_FILENAME, 415 UNSUPPORTED_TYPE, 400 INVALID_SIZE, 413 TOO_LARGE,
 * 400 INVALID_METADATA, 413 METADATA_TOO_LARGE, 400 INVALID_PART_SIZE (when not a number;
 * `partPlan` checks its range). Every message names the rule and the value that broke it.
 */
export function parseCreateUploadBody(body: unknown, policy: UploadPolicy): CreateUploadBody {
  const shape = bodySchema.safeParse(body);
  if (!shape.success) {
    const unknownFields = shape.error.issues.flatMap((issue) => (issue.code === 'unrecognized_keys' ? issue.keys : []));
    throw new ValidationError(
      unknownFields.length > 0
        ? `Unknown field(s) ${unknownFields.join(', ')}; the accepted fields are ${FIELDS.join(', ')}`
        : `The request body must be a JSON object with filename, contentType and size (metadata and partSize are optional); got ${describeValue(body)}`,
    );
  }
  const fields = shape.data;

  const filename = parseFilename(fields.filename);

  if (typeof fields.contentType !== 'string') {
    throw new ValidationError(`contentType must be a string such as video/mp4; got ${describeValue(fields.contentType)}`);
  }
  const contentType = fields.contentType.toLowerCase();
  const kind = kindOf(policy, contentType);
  if (kind === undefined) {
    const accepted = MEDIA_KINDS.map((k) => `${k}: ${policy.acceptedTypes[k].join(', ')}`).join('; ');
    throw new UnsupportedTypeError(`Content type ${describeValue(fields.contentType)} is not accepted; accepted types are ${accepted}`);
  }

  const size = sizeSchema.safeParse(fields.size);
  if (!size.success) {
    throw new ValidationError(`size must be a positive whole number of bytes; got ${describeValue(fields.size)}`, 'INVALID_SIZE');
  }
  if (size.data > policy.maxFileSize) {
    throw new TooLargeError(`size ${size.data} bytes is over the limit of ${policy.maxFileSize} bytes`);
  }

  const metadata = fields.metadata === undefined ? undefined : parseMetadata(fields.metadata, policy.maxMetadataBytes);

  if (fields.partSize !== undefined && typeof fields.partSize !== 'number') {
    throw new ValidationError(`partSize must be a whole number of bytes; got ${describeValue(fields.partSize)}`, 'INVALID_PART_SIZE');
  }

  return {
    filename,
    contentType,
    kind,
    size: size.data,
    ...(metadata === undefined ? {} : { metadata }),
    ...(fields.partSize === undefined ? {} : { partSize: fields.partSize }),
  };
}
