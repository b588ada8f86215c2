import { ValidationError } from '../errors.js';
import { S3_MAX_PART_COUNT } from '../mediaPolicy.js';
import { describeValue } from '../validation/describeValue.js';

const DIGITS = /^[1-9][0-9]{0,4}$/;

/** A part number as a path or query carries it: decimal digits for an integer from 1 to 10,000, or 400 INVALID_PART_NUMBERS. */
export function companionPartNumber(value: string | undefined): number {
  const partNumber = value !== undefined && DIGITS.test(value) ? Number(value) : Number.NaN;
  if (!(partNumber >= 1 && partNumber <= S3_MAX_PART_COUNT)) {
    throw new ValidationError(`A part number must be an integer from 1 to ${S3_MAX_PART_COUNT}; got ${describeValue(value)}`, 'INVALID_PART_NUMBERS');
  }
  return partNumber;
}
