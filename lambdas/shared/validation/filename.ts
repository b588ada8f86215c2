import * as z from 'zod/mini';
import { ValidationError } from '../errors.js';
import { describeValue } from './describeValue.js';

/** Longest filename, in characters (Unicode code points). */
export const FILENAME_MAX_CHARACTERS = 255;

// C0 controls, DEL and C1 controls.
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f-\u009f]/;
// A lone UTF-16 surrogate (JSON can carry one as `\ud800`) is no character at all.
const LONE_SURROGATE = /\p{Surrogate}/u;

/**
 * A client's name for its file. It is only ever shown back (never part of a key), but it must
 * be something a person or a file system could take as one name: no path separators, no
 * control characters, not `.`/`..`, not blank.
 */
export const filenameSchema = z.string().check(
  z.refine((name) => name.length > 0 && [...name].length <= FILENAME_MAX_CHARACTERS, {
    error: `must be 1 to ${FILENAME_MAX_CHARACTERS} characters`,
  }),
  z.refine((name) => !/[/\\]/.test(name), { error: 'must not contain / or \\' }),
  z.refine((name) => !CONTROL_CHARACTER.test(name), { error: 'must not contain control characters' }),
  z.refine((name) => !LONE_SURROGATE.test(name), { error: 'must be well-formed Unicode' }),
  z.refine((name) => name !== '.' && name !== '..', { error: 'must not be . or ..' }),
  z.refine((name) => name.trim() !== '', { error: 'must not be only whitespace' }),
);

/** The filename, or 400 INVALID_FILENAME naming the first rule it breaks and the value. */
export function parseFilename(value: unknown): string {
  const result = filenameSchema.safeParse(value);
  if (!result.success) {
    const rule = typeof value === 'string' ? (result.error.issues[0]?.message ?? 'is invalid') : 'must be a string';
    throw new ValidationError(`filename ${rule}; got ${describeValue(value)}`, 'INVALID_FILENAME');
  }
  return result.data;
}
