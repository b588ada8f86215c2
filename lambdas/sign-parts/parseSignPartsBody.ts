import * as z from 'zod/mini';
import { ValidationError } from '../shared/errors.js';
import { S3_MAX_PART_COUNT } from '../shared/mediaPolicy.js';
import { describeValue } from '../shared/validation/describeValue.js';
import { parsePartNumbers, partNumbersSchema } from '../shared/validation/partNumbers.js';

const bodySchema = z.strictObject({ partNumbers: z.optional(z.unknown()) });

/** The body as the parser below checks it, in two steps (shape, then part numbers), for the OpenAPI document. */
export function signPartsBodySchema(maxCount: number) {
  return z.strictObject({ partNumbers: partNumbersSchema({ partCount: S3_MAX_PART_COUNT, maxCount }) });
}

/**
 * The part numbers of a `POST /uploads/{id}/parts` body, checked as far as they can be before
 * the record is read: 400 INVALID_REQUEST for a body that is not `{ "partNumbers": [...] }`,
 * 400 INVALID_PART_NUMBERS for a list that is empty, too long, repeats a number or holds
 * anything but integers from 1 to 10,000. The upload's own part count is checked later.
 */
export function parseSignPartsBody(body: unknown, maxCount: number): number[] {
  const shape = bodySchema.safeParse(body);
  if (!shape.success) {
    throw new ValidationError(`The request body must be a JSON object with only partNumbers, a list of part numbers; got ${describeValue(body)}`);
  }
  return parsePartNumbers(shape.data.partNumbers, { partCount: S3_MAX_PART_COUNT, maxCount });
}
