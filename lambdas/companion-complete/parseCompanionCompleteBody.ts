import * as z from 'zod/mini';
import { MAX_ETAG_LENGTH, type ClientPart } from '../complete-upload/parseCompleteBody.js';
import { ValidationError } from '../shared/errors.js';
import { S3_MAX_PART_COUNT } from '../shared/mediaPolicy.js';
import { describeValue } from '../shared/validation/describeValue.js';

/** The body as Uppy sends it (`ETag` quoted as S3 answered, or bare), for the OpenAPI document. */
export const companionCompleteBodySchema = z.strictObject({
  parts: z
    .array(
      z.strictObject({
        PartNumber: z.int().check(z.gte(1), z.lte(S3_MAX_PART_COUNT)),
        ETag: z.string().check(z.minLength(1), z.maxLength(MAX_ETAG_LENGTH)),
      }),
    )
    .check(
      z.minLength(1),
      z.maxLength(S3_MAX_PART_COUNT),
      z.refine((parts) => new Set(parts.map((part) => part.PartNumber)).size === parts.length),
    ),
});

/**
 * `POST /s3/multipart/{id}/complete`'s body, `{ parts: [{ PartNumber, ETag }] }`, as the parts
 * `POST /uploads/{id}/complete` takes: 400 INVALID_PARTS unless it lists 1 to 10,000 distinct
 * part numbers from 1 to 10,000, each with an ETag of 1 to 128 characters.
 */
export function parseCompanionCompleteBody(body: unknown): ClientPart[] {
  const result = companionCompleteBodySchema.safeParse(body);
  if (!result.success) {
    throw new ValidationError(
      `The body must be { parts: [{ PartNumber, ETag }] } with 1 to ${S3_MAX_PART_COUNT} distinct part numbers from 1 to ${S3_MAX_PART_COUNT} and ETags of 1 to ${MAX_ETAG_LENGTH} characters; got ${describeValue(body)}`,
      'INVALID_PARTS',
    );
  }
  return result.data.parts.map((part) => ({ partNumber: part.PartNumber, etag: part.ETag }));
}
