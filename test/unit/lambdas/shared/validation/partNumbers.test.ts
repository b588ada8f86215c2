import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../../../lambdas/shared/errors.js';
import { parsePartNumbers } from '../../../../../lambdas/shared/validation/partNumbers.js';

const limits = { partCount: 20, maxCount: 5 };

describe('parsePartNumbers', () => {
  it('keeps a valid list as it is, in its order', () => {
    expect(parsePartNumbers([20, 1, 7], limits)).toEqual([20, 1, 7]);
  });

  it('names the rule and the value when it refuses', () => {
    expect(() => parsePartNumbers([1, 1], limits)).toThrow(
      new ValidationError('partNumbers must be a list of 1 to 5 distinct integers from 1 to 20; got [1,1]', 'INVALID_PART_NUMBERS'),
    );
  });

  it('accepts exactly the lists of 1 to maxCount distinct integers from 1 to partCount', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uniqueArray(fc.integer({ min: 1, max: 20 }), { minLength: 1, maxLength: 5 }),
          fc.array(fc.oneof(fc.integer({ min: -5, max: 25 }), fc.double(), fc.string()), { maxLength: 8 }),
          fc.anything(),
        ),
        (value) => {
          const valid =
            Array.isArray(value) &&
            value.length >= 1 &&
            value.length <= 5 &&
            new Set(value).size === value.length &&
            value.every((n) => Number.isInteger(n) && n >= 1 && n <= 20);
          if (valid) {
            expect(parsePartNumbers(value, limits)).toEqual(value);
          } else {
            expect(() => parsePartNumbers(value, limits)).toThrow(ValidationError);
          }
        },
      ),
      { numRuns: 3_000 },
    );
  });
});
