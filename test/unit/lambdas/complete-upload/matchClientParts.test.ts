import { describe, expect, it } from 'vitest';
import { matchClientParts } from '../../../../lambdas/complete-upload/matchClientParts.js';
import { UnprocessableError } from '../../../../lambdas/shared/errors.js';

const held = [
  { partNumber: 1, size: 10, etag: '"aaa"' },
  { partNumber: 2, size: 10, etag: '"bbb"' },
];

describe('matchClientParts', () => {
  it('accepts ETags with or without their quotes, and a partial list', () => {
    expect(() =>
      matchClientParts(
        [
          { partNumber: 2, etag: 'bbb' },
          { partNumber: 1, etag: '"aaa"' },
        ],
        held,
      ),
    ).not.toThrow();
    expect(() => matchClientParts([{ partNumber: 1, etag: 'aaa' }], held)).not.toThrow();
  });

  it('rejects a part S3 does not hold with 422 PART_MISMATCH naming it', () => {
    expect(() => matchClientParts([{ partNumber: 3, etag: 'ccc' }], held)).toThrow(
      new UnprocessableError('S3 holds no part 3; upload it before completing', 'PART_MISMATCH'),
    );
  });

  it('rejects an ETag other than the one S3 holds with 422 PART_MISMATCH naming both', () => {
    let caught: unknown;
    try {
      matchClientParts([{ partNumber: 2, etag: '"zzz"' }], held);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(UnprocessableError);
    expect(caught).toMatchObject({
      statusCode: 422,
      code: 'PART_MISMATCH',
      message: 'Part 2 has ETag "bbb" in S3, not "\\"zzz\\""; upload it again or complete without parts',
    });
  });
});
