import * as z from 'zod/mini';
import { ValidationError } from '../shared/errors.js';
import type { UploadRecord } from '../shared/uploadRecord.js';
import { uploadIdSchema } from '../shared/validation/uploadId.js';

/** Where a listing page ended: the `byOwner` index key of its last item (the table key plus the index keys). */
export type ListCursorKey = Pick<UploadRecord, 'uploadId' | 'ownerId' | 'createdAt'>;

/** Far above any real key (an id, a JWT subject, a timestamp), far below what would burden a query string. */
export const MAX_CURSOR_LENGTH = 1_024;

const BASE64URL = /^[A-Za-z0-9_-]+$/;

const cursorKeySchema = z.strictObject({
  uploadId: uploadIdSchema,
  ownerId: z.string().check(z.minLength(1), z.maxLength(512)),
  createdAt: z.iso.datetime(),
});

export function encodeListCursor(key: ListCursorKey): string {
  const { uploadId, ownerId, createdAt } = key;
  return Buffer.from(JSON.stringify({ uploadId, ownerId, createdAt }), 'utf8').toString('base64url');
}

/**
 * The key a `cursor` query parameter stands for, or 400 INVALID_CURSOR. A cursor is only ever
 * handed to the owner it lists, so one naming another owner is refused like a forged one:
 * a cursor can never start a query in someone else's uploads.
 */
export function decodeListCursor(cursor: string, ownerId: string): ListCursorKey {
  if (cursor.length > MAX_CURSOR_LENGTH || !BASE64URL.test(cursor)) throw invalidCursor();
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalidCursor();
  }
  const result = cursorKeySchema.safeParse(decoded);
  if (!result.success || result.data.ownerId !== ownerId) throw invalidCursor();
  return result.data;
}

function invalidCursor(): ValidationError {
  return new ValidationError('cursor is not one this API handed out for your uploads; start again without it', 'INVALID_CURSOR');
}
