import { describe, expect, it } from 'vitest';
import { parseCompleteBody } from '../../../../lambdas/complete-upload/parseCompleteBody.js';
import { ValidationError } from '../../../../lambdas/shared/errors.js';

function codeOf(body: unknown): string | undefined {
  try {
    parseCompleteBody(body);
    return undefined;
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return (error as ValidationError).code;
  }
}

describe('parseCompleteBody', () => {
  it('takes no body or an empty object as "complete with what S3 holds"', () => {
    expect(parseCompleteBody(undefined)).toEqual({});
    expect(parseCompleteBody({})).toEqual({});
  });

  it("returns the whole file's CRC-32C, and refuses one that is not 4 bytes in base64 with 400 INVALID_CHECKSUM", () => {
    expect(parseCompleteBody({ checksumCRC32C: 'yZRlqg==' })).toEqual({ checksumCRC32C: 'yZRlqg==' });
    for (const checksumCRC32C of ['yZRlqg', 'yZRlqh==', 'AAAAAAAA', 42, '']) expect(codeOf({ checksumCRC32C })).toBe('INVALID_CHECKSUM');
  });

  it("returns the client's parts", () => {
    const parts = [
      { partNumber: 2, etag: '"b"' },
      { partNumber: 1, etag: 'a' },
    ];
    expect(parseCompleteBody({ parts })).toEqual({ parts });
  });

  it.each([null, 'parts', 42, [], [{ partNumber: 1, etag: 'a' }], { parts: [], extra: true }, { Parts: [] }])(
    'rejects the body %j with 400 INVALID_BODY',
    (body) => {
      expect(codeOf(body)).toBe('INVALID_BODY');
    },
  );

  it.each([
    null,
    [],
    'all',
    [{ partNumber: 0, etag: 'a' }],
    [{ partNumber: 10_001, etag: 'a' }],
    [{ partNumber: 1.5, etag: 'a' }],
    [{ partNumber: '1', etag: 'a' }],
    [{ partNumber: 1, etag: '' }],
    [{ partNumber: 1, etag: 'x'.repeat(129) }],
    [{ partNumber: 1 }],
    [{ partNumber: 1, etag: 'a', size: 5 }],
    [
      { partNumber: 1, etag: 'a' },
      { partNumber: 1, etag: 'b' },
    ],
  ])('rejects parts %j with 400 INVALID_PARTS', (parts) => {
    expect(codeOf({ parts })).toBe('INVALID_PARTS');
  });

  it('quotes the bad value in the message, cut short', () => {
    expect(() => parseCompleteBody({ parts: [{ partNumber: 0, etag: 'x'.repeat(500) }] })).toThrow(/got \[\{"partNumber":0,"etag":"x+…$/);
  });
});
