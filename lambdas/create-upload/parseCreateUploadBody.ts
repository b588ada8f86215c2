import * as z from 'zod/mini';
import { TooLargeError, UnsupportedTypeError, ValidationError } from '../shared/errors.js';
import { CHECKSUM_ALGORITHMS, type ChecksumAlgorithm, kindOf, MEDIA_KINDS, type MediaKind, type UploadPolicy } from '../shared/mediaPolicy.js';
import { describeValue } from '../shared/validation/describeValue.js';
import { filenameSchema, parseFilename } from '../shared/validation/filename.js';
import { metadataSchema, parseMetadata } from '../shared/validation/metadata.js';

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
  /** The client sends each part's CRC-32C and the whole file's (see `startNewUpload`). */
  readonly checksumAlgorithm?: ChecksumAlgorithm;
}

const contentTypeSchema = z.string();
/** A safe integer (`z.int()`) above zero: anything past 2^53 - 1 bytes could not be counted exactly. */
const sizeSchema = z.int().check(z.gt(0));
/** Its range depends on the size and the policy: `partPlan` checks it. */
const partSizeSchema = z.number();
const checksumAlgorithmSchema = z.enum(CHECKSUM_ALGORITHMS);

/**
 * The body as a whole, from the schemas each field is checked with below: the OpenAPI document
 * (lib/openapi/) describes the request with it. The parser checks field by field rather than
 * through it, so each broken rule keeps its own code and status.
 */
export const createUploadBodySchema = z.strictObject({
  filename: filenameSchema,
  contentType: contentTypeSchema,
  size: sizeSchema,
  metadata: z.optional(metadataSchema),
  partSize: z.optional(partSizeSchema),
  checksumAlgorithm: z.optional(checksumAlgorithmSchema),
});

const FIELDS = Object.keys(createUploadBodySchema.def.shape);

const bodySchema = z.strictObject(Object.fromEntries(FIELDS.map((field) => [field, z.optional(z.unknown())])));

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

  const declaredType = contentTypeSchema.safeParse(fields.contentType);
  if (!declaredType.success) {
    throw new ValidationError(`contentType must be a string such as video/mp4; got ${describeValue(fields.contentType)}`);
  }
  const contentType = declaredType.data.toLowerCase();
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

  const partSize = fields.partSize === undefined ? undefined : partSizeSchema.safeParse(fields.partSize);
  if (partSize !== undefined && !partSize.success) {
    throw new ValidationError(`partSize must be a whole number of bytes; got ${describeValue(fields.partSize)}`, 'INVALID_PART_SIZE');
  }

  const checksumAlgorithm = fields.checksumAlgorithm === undefined ? undefined : checksumAlgorithmSchema.safeParse(fields.checksumAlgorithm);
  if (checksumAlgorithm !== undefined && !checksumAlgorithm.success) {
    throw new ValidationError(
      `checksumAlgorithm must be one of ${CHECKSUM_ALGORITHMS.join(', ')}; got ${describeValue(fields.checksumAlgorithm)}`,
      'INVALID_CHECKSUM_ALGORITHM',
    );
  }

  return {
    filename,
    contentType,
    kind,
    size: size.data,
    ...(metadata === undefined ? {} : { metadata }),
    ...(partSize === undefined ? {} : { partSize: partSize.data }),
    ...(checksumAlgorithm === undefined ? {} : { checksumAlgorithm: checksumAlgorithm.data }),
  };
}
