import * as z from 'zod/mini';
import { ValidationError } from '../shared/errors.js';
import { S3_MAX_PART_COUNT } from '../shared/mediaPolicy.js';
import { CRC32C_BASE64 } from '../shared/presignParts.js';
import { describeValue } from '../shared/validation/describeValue.js';

/** A part as the client saw it: the number it PUT and the ETag S3 answered with. */
export interface ClientPart {
  readonly partNumber: number;
  readonly etag: string;
}

/** S3 ETags are 32 hex digits in quotes, plus a suffix for copies; anything far longer is not one. */
export const MAX_ETAG_LENGTH = 128;

const partsSchema = z.array(
  z.strictObject({
    partNumber: z.int().check(z.gte(1), z.lte(S3_MAX_PART_COUNT)),
    etag: z.string().check(z.minLength(1), z.maxLength(MAX_ETAG_LENGTH)),
  }),
).check(
  z.minLength(1),
  z.maxLength(S3_MAX_PART_COUNT),
  z.refine((parts) => new Set(parts.map((part) => part.partNumber)).size === parts.length),
);

const checksumSchema = z.string().check(z.regex(CRC32C_BASE64));

/** The body as the parser below checks it, for the OpenAPI document. */
export const completeBodySchema = z.strictObject({ parts: z.optional(partsSchema), checksumCRC32C: z.optional(checksumSchema) });

/** What a complete body says: the client's parts, and the whole file's CRC-32C. */
export interface CompleteBody {
  /** Undefined when the client sent none (ListParts is the truth either way; the client's list is only checked against it). */
  readonly parts?: ClientPart[];
  /** The whole file's FULL_OBJECT CRC-32C (base64), which S3 checks before it completes a checksum upload. */
  readonly checksumCRC32C?: string;
}

const FIELDS = ['parts', 'checksumCRC32C'];

/**
 * The body of `POST /uploads/{id}/complete`: nothing, `{}`, or `{ parts?: [{ partNumber, etag }],
 * checksumCRC32C? }`. 400 INVALID_BODY, INVALID_PARTS or INVALID_CHECKSUM name what was wrong.
 */
export function parseCompleteBody(body: unknown): CompleteBody {
  if (body === undefined) return {};
  if (typeof body !== 'object' || body === null || Array.isArray(body) || Object.keys(body).some((key) => !FIELDS.includes(key))) {
    throw new ValidationError(`The body must be an object with at most "parts" and "checksumCRC32C" fields; got ${describeValue(body)}`, 'INVALID_BODY');
  }
  const { parts, checksumCRC32C } = body as { parts?: unknown; checksumCRC32C?: unknown };
  const checksum = checksumCRC32C === undefined ? undefined : checksumSchema.safeParse(checksumCRC32C);
  if (checksum !== undefined && !checksum.success) {
    throw new ValidationError(`checksumCRC32C must be the file's CRC-32C as 4 bytes in base64 (such as "yZRlqg=="); got ${describeValue(checksumCRC32C)}`, 'INVALID_CHECKSUM');
  }
  const withChecksum = checksum === undefined ? {} : { checksumCRC32C: checksum.data };
  if (parts === undefined) return withChecksum;
  const result = partsSchema.safeParse(parts);
  if (!result.success) {
    throw new ValidationError(
      `parts must be a list of 1 to ${S3_MAX_PART_COUNT} { partNumber, etag } with distinct part numbers from 1 to ${S3_MAX_PART_COUNT} and ETags of 1 to ${MAX_ETAG_LENGTH} characters; got ${describeValue(parts)}`,
      'INVALID_PARTS',
    );
  }
  return { parts: result.data, ...withChecksum };
}
