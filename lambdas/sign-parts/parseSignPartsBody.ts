import * as z from 'zod/mini';
import { ValidationError } from '../shared/errors.js';
import { S3_MAX_PART_COUNT } from '../shared/mediaPolicy.js';
import { CRC32C_BASE64 } from '../shared/presignParts.js';
import { describeValue } from '../shared/validation/describeValue.js';
import { parsePartNumbers, partNumbersSchema } from '../shared/validation/partNumbers.js';

const bodySchema = z.strictObject({ partNumbers: z.optional(z.unknown()), parts: z.optional(z.unknown()) });

function checksumPartsSchema(maxCount: number) {
  return z
    .array(
      z.strictObject({
        partNumber: z.int().check(z.gte(1), z.lte(S3_MAX_PART_COUNT)),
        checksumCRC32C: z.string().check(z.regex(CRC32C_BASE64)),
      }),
    )
    .check(
      z.minLength(1),
      z.maxLength(maxCount),
      z.refine((parts) => new Set(parts.map((part) => part.partNumber)).size === parts.length),
    );
}

/** The body as the parser below checks it (part numbers, or parts with their checksums), for the OpenAPI document. */
export function signPartsBodySchema(maxCount: number) {
  return z.union([
    z.strictObject({ partNumbers: partNumbersSchema({ partCount: S3_MAX_PART_COUNT, maxCount }) }),
    z.strictObject({ parts: checksumPartsSchema(maxCount) }),
  ]);
}

/** The parts to sign, and their CRC-32C checksums when the body gave them. */
export interface PartsToSign {
  readonly partNumbers: number[];
  readonly checksums?: ReadonlyMap<number, string>;
}

/**
 * The parts of a `POST /uploads/{id}/parts` body, checked as far as they can be before the
 * record is read: `{ "partNumbers": [...] }`, or for a checksum upload `{ "parts": [{ partNumber,
 * checksumCRC32C }] }`. 400 INVALID_REQUEST for any other body, 400 INVALID_PART_NUMBERS for a
 * list that is empty, too long, repeats a number or holds anything but integers from 1 to
 * 10,000, 400 INVALID_CHECKSUM for a checksum that is not 4 bytes in base64. The upload's own
 * part count (and whether it takes checksums) is checked later.
 */
export function parseSignPartsBody(body: unknown, maxCount: number): PartsToSign {
  const shape = bodySchema.safeParse(body);
  const fields = shape.success ? shape.data : undefined;
  if (fields === undefined || (fields.partNumbers !== undefined && fields.parts !== undefined)) {
    throw new ValidationError(
      `The request body must be a JSON object with only partNumbers (a list of part numbers) or only parts (a list of { partNumber, checksumCRC32C }); got ${describeValue(body)}`,
    );
  }
  if (fields.parts === undefined) return { partNumbers: parsePartNumbers(fields.partNumbers, { partCount: S3_MAX_PART_COUNT, maxCount }) };

  const parts = checksumPartsSchema(maxCount).safeParse(fields.parts);
  if (!parts.success) {
    const badChecksum =
      Array.isArray(fields.parts) &&
      fields.parts.some((part: { checksumCRC32C?: unknown } | null) => typeof part?.checksumCRC32C !== 'string' || !CRC32C_BASE64.test(part.checksumCRC32C));
    throw badChecksum
      ? new ValidationError(`Every part needs checksumCRC32C, its CRC-32C as 4 bytes in base64 (such as "yZRlqg=="); got ${describeValue(fields.parts)}`, 'INVALID_CHECKSUM')
      : new ValidationError(
          `parts must be a list of 1 to ${maxCount} { partNumber, checksumCRC32C } with distinct part numbers from 1 to ${S3_MAX_PART_COUNT}; got ${describeValue(fields.parts)}`,
          'INVALID_PART_NUMBERS',
        );
  }
  return {
    partNumbers: parts.data.map((part) => part.partNumber),
    checksums: new Map(parts.data.map((part) => [part.partNumber, part.checksumCRC32C])),
  };
}
