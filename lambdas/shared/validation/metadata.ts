import * as z from 'zod/mini';
import { TooLargeError, ValidationError } from '../errors.js';
import { describeValue } from './describeValue.js';

/** Every metadata key must match this. */
export const METADATA_KEY_PATTERN = /^[A-Za-z0-9_.-]{1,64}$/;

const LONE_SURROGATE = /\p{Surrogate}/u;

const keySchema = z.string().check(z.regex(METADATA_KEY_PATTERN));
const valueSchema = z.string().check(z.refine((text) => !LONE_SURROGATE.test(text)));

/**
 * The shape `parseMetadata` checks each entry against, for the OpenAPI document (lib/openapi/).
 * Not parsed with as a whole: see `parseMetadata`.
 */
export const metadataSchema = z.record(keySchema, valueSchema);

/**
 * A client's metadata: a flat object of strings under plain keys, at most `maxBytes` of UTF-8
 * keys and values together. 400 INVALID_METADATA for the wrong shape, a bad key or a value
 * that is not a string; 413 METADATA_TOO_LARGE over the byte limit.
 *
 * Checked by hand rather than with `z.record`: zod skips an own `__proto__` key (JSON.parse
 * makes one) without a word, and metadata must be stored exactly as sent or refused.
 */
export function parseMetadata(value: unknown, maxBytes: number): Record<string, string> {
  const invalid = (rule: string) => new ValidationError(`metadata ${rule}; got ${describeValue(value)}`, 'INVALID_METADATA');
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw invalid('must be an object whose values are strings');
  }
  let bytes = 0;
  const entries = Object.entries(value);
  for (const [key, text] of entries) {
    if (!keySchema.safeParse(key).success || key === '__proto__') {
      throw invalid(`key ${describeValue(key)} must be 1 to 64 characters of A-Z a-z 0-9 _ . - (and not __proto__)`);
    }
    if (typeof text !== 'string') throw invalid(`value of ${key} must be a string`);
    if (!valueSchema.safeParse(text).success) throw invalid(`value of ${key} must be well-formed Unicode`);
    bytes += Buffer.byteLength(key, 'utf8') + Buffer.byteLength(text, 'utf8');
  }
  if (bytes > maxBytes) {
    throw new TooLargeError(`metadata is ${bytes} bytes of UTF-8 keys and values; the limit is ${maxBytes}`, 'METADATA_TOO_LARGE');
  }
  return Object.fromEntries(entries);
}
