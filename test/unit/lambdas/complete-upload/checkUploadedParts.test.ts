import { describe, expect, it } from 'vitest';
import { checkUploadedParts, MAX_LISTED_MISSING } from '../../../../lambdas/complete-upload/checkUploadedParts.js';
import type { UploadedPart } from '../../../../lambdas/shared/listUploadedParts.js';

const MiB = 1024 * 1024;
const plan = { size: 20 * MiB + 5, partSize: 8 * MiB, partCount: 3 };

function part(partNumber: number, size: number): UploadedPart {
  return { partNumber, size, etag: `"etag-${partNumber}"` };
}

const exact = [part(1, 8 * MiB), part(2, 8 * MiB), part(3, 4 * MiB + 5)];

describe('checkUploadedParts', () => {
  it('accepts parts 1..partCount of the planned sizes, in order', () => {
    expect(checkUploadedParts(plan, [exact[2]!, exact[0]!, exact[1]!])).toEqual({ verdict: 'complete', parts: exact });
  });

  it('accepts a single part holding the whole file', () => {
    expect(checkUploadedParts({ size: 10, partSize: 5 * MiB, partCount: 1 }, [part(1, 10)])).toEqual({
      verdict: 'complete',
      parts: [part(1, 10)],
    });
  });

  it('leaves parts numbered past partCount out of the completion', () => {
    expect(checkUploadedParts(plan, [...exact, part(4, 1)])).toEqual({ verdict: 'complete', parts: exact });
  });

  it('lists the missing part numbers', () => {
    expect(checkUploadedParts(plan, [exact[1]!])).toEqual({ verdict: 'missing', missing: [1, 3], missingCount: 2 });
  });

  it(`lists at most ${MAX_LISTED_MISSING} missing part numbers but counts them all`, () => {
    const result = checkUploadedParts({ size: 10_000 * 5 * MiB, partSize: 5 * MiB, partCount: 10_000 }, [part(2, 5 * MiB)]);

    expect(result).toEqual({
      verdict: 'missing',
      missing: [1, ...Array.from({ length: MAX_LISTED_MISSING - 1 }, (_unused, index) => index + 3)],
      missingCount: 9_999,
    });
  });

  it('reports a total other than the declared size, naming both numbers', () => {
    expect(checkUploadedParts(plan, [exact[0]!, exact[1]!, part(3, 4 * MiB)])).toEqual({
      verdict: 'sizeMismatch',
      message: `S3 holds ${20 * MiB} bytes in 3 parts but ${20 * MiB + 5} bytes were declared`,
    });
  });

  it('reports a non-last part of another size even when the total matches', () => {
    expect(checkUploadedParts(plan, [part(1, 8 * MiB - 1), part(2, 8 * MiB), part(3, 4 * MiB + 6)])).toEqual({
      verdict: 'sizeMismatch',
      message: `Part 1 holds ${8 * MiB - 1} bytes but every part except the last must hold ${8 * MiB} bytes`,
    });
  });
});
