import { describe, expect, it } from 'vitest';
import { measureOpenUpload } from '../../../../lambdas/complete-upload/measureOpenUpload.js';
import { MiB } from '../../../../lambdas/shared/mediaPolicy.js';

const LIMIT = 100 * MiB;
const part = (partNumber: number, size: number) => ({ partNumber, size, etag: `"e${partNumber}"` });
const UPPY = [part(1, 5 * MiB), part(2, 5 * MiB), part(3, 2_151_473)];

describe('measureOpenUpload', () => {
  it("sizes an upload from Uppy's parts: the total, part 1's size and the count", () => {
    expect(measureOpenUpload(UPPY, undefined, LIMIT)).toEqual({ verdict: 'sized', size: 12 * MiB + 54_321, partSize: 5 * MiB, partCount: 3 });
  });

  it("counts up to the client's highest part and leaves S3's later parts out", () => {
    const clientParts = [{ partNumber: 1, etag: '"e1"' }, { partNumber: 2, etag: '"e2"' }];
    expect(measureOpenUpload([...UPPY.slice(0, 2), part(3, 1)], clientParts, LIMIT)).toEqual({
      verdict: 'sized',
      size: 10 * MiB,
      partSize: 5 * MiB,
      partCount: 2,
    });
  });

  it('takes a single part of any size', () => {
    expect(measureOpenUpload([part(1, 10)], undefined, LIMIT)).toEqual({ verdict: 'sized', size: 10, partSize: 10, partCount: 1 });
  });

  it('lists the missing parts, and part 1 when S3 holds none', () => {
    expect(measureOpenUpload([UPPY[0]!, UPPY[2]!], undefined, LIMIT)).toEqual({ verdict: 'missing', missing: [2], missingCount: 1, partCount: 3 });
    expect(measureOpenUpload([], undefined, LIMIT)).toEqual({ verdict: 'missing', missing: [1], missingCount: 1, partCount: 1 });
  });

  it('refuses more than the limit, no bytes at all, parts under 5 MiB but the last, and a last part larger than the others', () => {
    expect(measureOpenUpload(UPPY, undefined, 12 * MiB)).toMatchObject({ verdict: 'tooLarge' });
    expect(measureOpenUpload([part(1, 0)], undefined, LIMIT)).toMatchObject({ verdict: 'sizeMismatch' });
    expect(measureOpenUpload([part(1, MiB), part(2, MiB)], undefined, LIMIT)).toEqual({
      verdict: 'sizeMismatch',
      message: 'Part 1 holds 1048576 bytes; every part but the last must hold at least 5242880 bytes',
    });
    expect(measureOpenUpload([part(1, 5 * MiB), part(2, 6 * MiB)], undefined, LIMIT)).toMatchObject({ verdict: 'sizeMismatch' });
  });
});
