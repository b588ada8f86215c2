import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TooLargeError, ValidationError } from '../../../../lambdas/shared/errors.js';
import { DEFAULT_UPLOAD_POLICY, GiB, MiB, type UploadPolicy } from '../../../../lambdas/shared/mediaPolicy.js';
import { partPlan } from '../../../../lambdas/shared/partPlan.js';

const TiB = 1024 * GiB;
const policy: UploadPolicy = { ...DEFAULT_UPLOAD_POLICY, maxFileSize: 5 * TiB };

function expectCode(action: () => unknown, type: typeof ValidationError | typeof TooLargeError, code: string, message: RegExp) {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(type);
    expect((error as ValidationError).code).toBe(code);
    expect((error as Error).message).toMatch(message);
    return;
  }
  expect.fail(`expected ${code}`);
}

describe('partPlan', () => {
  it('uses the default part size for a file that fits in one response of URLs', () => {
    const plan = partPlan(100 * MiB + 1, policy);

    expect(plan.partSize).toBe(8 * MiB);
    expect(plan.partCount).toBe(13);
    expect(plan.partLength(1)).toBe(8 * MiB);
    expect(plan.partLength(12)).toBe(8 * MiB);
    expect(plan.partLength(13)).toBe(100 * MiB + 1 - 12 * 8 * MiB);
  });

  it('makes one short part for a file smaller than a part', () => {
    const plan = partPlan(1, policy);

    expect(plan).toMatchObject({ partSize: 8 * MiB, partCount: 1 });
    expect(plan.partLength(1)).toBe(1);
  });

  it('grows the part size in whole MiB so a 10 GiB file needs at most 1,000 parts', () => {
    const plan = partPlan(10 * GiB, policy);

    expect(plan.partSize).toBe(11 * MiB);
    expect(plan.partCount).toBe(931);
  });

  it('takes the largest allowed part once even that needs more parts than one response holds', () => {
    const plan = partPlan(5 * TiB, policy);

    expect(plan.partSize).toBe(5 * GiB);
    expect(plan.partCount).toBe(1024);
  });

  it('answers 413 TOO_LARGE when even the largest allowed part needs more than 10,000 parts', () => {
    const small = { ...policy, maxPartSize: 100 * MiB };
    expectCode(() => partPlan(10_000 * 100 * MiB + 1, small), TooLargeError, 'TOO_LARGE', /10000 parts of at most 104857600 bytes/);
  });

  it('takes the part size the client asks for when the policy allows it', () => {
    const plan = partPlan(10 * GiB, policy, 10 * MiB);

    expect(plan).toMatchObject({ partSize: 10 * MiB, partCount: 1024 });
  });

  it.each([
    ['below the minimum', 5 * MiB - 1, /from 5242880 to 5368709120 bytes, got 5242879/],
    ['above the maximum', 5 * GiB + 1, /got 5368709121/],
    ['not an integer', 6.5 * MiB + 0.5, /got 6815744.5/],
  ])('answers 400 INVALID_PART_SIZE for a requested part size %s', (_name, requested, message) => {
    expectCode(() => partPlan(GiB, policy, requested), ValidationError, 'INVALID_PART_SIZE', message);
  });

  it('answers 400 INVALID_PART_SIZE naming the smallest workable size when the requested one needs more than 10,000 parts', () => {
    expectCode(
      () => partPlan(100 * GiB, policy, 5 * MiB),
      ValidationError,
      'INVALID_PART_SIZE',
      /partSize 5242880 cuts 107374182400 bytes into 20480 parts; at most 10000 are allowed, so use at least 10737419 bytes/,
    );
  });

  it('refuses a part number outside the plan', () => {
    const plan = partPlan(20 * MiB, policy);
    expect(() => plan.partLength(0)).toThrow(RangeError);
    expect(() => plan.partLength(plan.partCount + 1)).toThrow(RangeError);
  });

  it('cuts every size from 1 byte to 5 TiB into at most 10,000 parts of at least 5 MiB (but the last) that add up to the size', () => {
    fc.assert(
      fc.property(fc.oneof(fc.integer({ min: 1, max: 64 * MiB }), fc.integer({ min: 1, max: 5 * TiB })), (size) => {
        const plan = partPlan(size, policy);

        expect(plan.partCount).toBeLessThanOrEqual(10_000);
        expect(plan.partSize).toBeGreaterThanOrEqual(5 * MiB);
        expect(plan.partSize).toBeGreaterThanOrEqual(policy.defaultPartSize);
        expect(plan.partSize % MiB).toBe(0);
        let total = 0;
        const badParts: number[] = [];
        for (let partNumber = 1; partNumber <= plan.partCount; partNumber += 1) {
          const length = plan.partLength(partNumber);
          if (length < 1 || (partNumber < plan.partCount && length < 5 * MiB)) badParts.push(partNumber);
          total += length;
        }
        expect(badParts).toEqual([]);
        expect(total).toBe(size);
        if (size <= policy.maxPartUrlsPerResponse * policy.maxPartSize) {
          expect(plan.partCount).toBeLessThanOrEqual(policy.maxPartUrlsPerResponse);
        }
        // Growth stops at the smallest whole-MiB size that fits: one MiB less would not.
        if (plan.partSize > policy.defaultPartSize && plan.partSize < policy.maxPartSize) {
          expect(Math.ceil(size / (plan.partSize - MiB))).toBeGreaterThan(policy.maxPartUrlsPerResponse);
        }
      }),
      { numRuns: 2_000 },
    );
  });

  it('keeps every allowed requested part size, and rejects every other one with 400 INVALID_PART_SIZE', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5 * TiB }),
        fc.oneof(fc.integer({ min: 5 * MiB, max: 5 * GiB }), fc.integer({ min: -GiB, max: 6 * GiB }), fc.double({ noNaN: false })),
        (size, requested) => {
          const allowed =
            Number.isSafeInteger(requested) && requested >= 5 * MiB && requested <= 5 * GiB && Math.ceil(size / requested) <= 10_000;
          if (allowed) {
            const plan = partPlan(size, policy, requested);
            expect(plan.partSize).toBe(requested);
            expect((plan.partCount - 1) * requested + plan.partLength(plan.partCount)).toBe(size);
          } else {
            expectCode(() => partPlan(size, policy, requested), ValidationError, 'INVALID_PART_SIZE', /partSize/);
          }
        },
      ),
      { numRuns: 3_000 },
    );
  });
});
