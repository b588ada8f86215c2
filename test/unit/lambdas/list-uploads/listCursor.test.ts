import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeListCursor, encodeListCursor, MAX_CURSOR_LENGTH } from '../../../../lambdas/list-uploads/listCursor.js';
import { ValidationError } from '../../../../lambdas/shared/errors.js';

const key = { uploadId: '0b8f6a52-3c1e-4d2a-9f7b-5e6d7c8b9a01', ownerId: 'owner-1', createdAt: '2025-03-01T12:00:00.000Z' };

function encodeJson(value: unknown): string {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
}

function codeOf(cursor: string, ownerId = 'owner-1'): string | undefined {
  try {
    decodeListCursor(cursor, ownerId);
    return undefined;
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return (error as ValidationError).code;
  }
}

describe('listCursor', () => {
  it('decodes what it encoded, for any owner and any index key', () => {
    fc.assert(
      fc.property(
        fc.uuid({ version: 4 }),
        fc.string({ minLength: 1, maxLength: 200, unit: 'grapheme' }),
        fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2100-01-01T00:00:00Z'), noInvalidDate: true }),
        (uploadId, ownerId, created) => {
          const original = { uploadId, ownerId, createdAt: created.toISOString() };
          const cursor = encodeListCursor(original);
          expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
          expect(decodeListCursor(cursor, ownerId)).toEqual(original);
        },
      ),
    );
  });

  it('keeps only the key attributes of the item it is given', () => {
    const cursor = encodeListCursor({ ...key, status: 'ready', filename: 'x.mp4' } as typeof key);
    expect(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'))).toEqual(key);
  });

  it("refuses another owner's cursor with 400 INVALID_CURSOR", () => {
    expect(codeOf(encodeListCursor(key), 'owner-2')).toBe('INVALID_CURSOR');
  });

  it.each([
    ['not base64url', 'a+b/c='],
    ['empty', ''],
    ['too long', 'A'.repeat(MAX_CURSOR_LENGTH + 1)],
    ['not JSON', Buffer.from('{uploadId', 'utf8').toString('base64url')],
    ['JSON but not an object', encodeJson([key.uploadId, key.ownerId, key.createdAt])],
    ['missing a key attribute', encodeJson({ uploadId: key.uploadId, ownerId: key.ownerId })],
    ['carrying an extra attribute', encodeJson({ ...key, status: 'ready' })],
    ['an upload id that is not one', encodeJson({ ...key, uploadId: 'x' })],
    ['a createdAt that is not a timestamp', encodeJson({ ...key, createdAt: 'yesterday' })],
    ['a number for the owner', encodeJson({ ...key, ownerId: 1 })],
  ])('refuses a cursor that is %s with 400 INVALID_CURSOR', (_label, cursor) => {
    expect(codeOf(cursor)).toBe('INVALID_CURSOR');
  });
});
