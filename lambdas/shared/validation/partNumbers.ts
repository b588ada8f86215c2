import * as z from 'zod/mini';
import { ValidationError } from '../errors.js';
import { describeValue } from './describeValue.js';

export interface PartNumberLimits {
  /** Highest part number of the upload. */
  readonly partCount: number;
  /** Most part numbers one request may name. */
  readonly maxCount: number;
}

export function partNumbersSchema({ partCount, maxCount }: PartNumberLimits) {
  return z
    .array(z.int().check(z.gte(1), z.lte(partCount)))
    .check(
      z.minLength(1),
      z.maxLength(maxCount),
      z.refine((numbers) => new Set(numbers).size === numbers.length),
    );
}

/**
 * A request's list of part numbers: 1 to `maxCount` distinct integers from 1 to `partCount`,
 * or 400 INVALID_PART_NUMBERS naming the rule and the value.
 */
export function parsePartNumbers(value: unknown, limits: PartNumberLimits): number[] {
  const result = partNumbersSchema(limits).safeParse(value);
  if (!result.success) {
    throw new ValidationError(
      `partNumbers must be a list of 1 to ${limits.maxCount} distinct integers from 1 to ${limits.partCount}; got ${describeValue(value)}`,
      'INVALID_PART_NUMBERS',
    );
  }
  return result.data;
}
