import * as z from 'zod/mini';
import { ValidationError } from '../shared/errors.js';
import { S3_MAX_PART_COUNT } from '../shared/mediaPolicy.js';
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

/** The body as the parser below checks it, for the OpenAPI document. */
export const completeBodySchema = z.strictObject({ parts: z.optional(partsSchema) });

/**
 * The body of `POST /uploads/{id}/complete`: nothing, `{}`, or `{ parts: [{ partNumber, etag }] }`.
 * Returns the client's parts, or undefined when it sent none (ListParts is the truth either
 * way; the client's list is only checked against it).
 */
export function parseCompleteBody(body: unknown): ClientPart[] | undefined {
  if (body === undefined) return undefined;
  if (typeof body !== 'object' || body === null || Array.isArray(body) || Object.keys(body).some((key) => key !== 'parts')) {
    throw new ValidationError(`The body must be an object with at most a "parts" field; got ${describeValue(body)}`, 'INVALID_BODY');
  }
  const { parts } = body as { parts?: unknown };
  if (parts === undefined) return undefined;
  const result = partsSchema.safeParse(parts);
  if (!result.success) {
    throw new ValidationError(
      `parts must be a list of 1 to ${S3_MAX_PART_COUNT} { partNumber, etag } with distinct part numbers from 1 to ${S3_MAX_PART_COUNT} and ETags of 1 to ${MAX_ETAG_LENGTH} characters; got ${describeValue(parts)}`,
      'INVALID_PARTS',
    );
  }
  return result.data;
}
