/**
 * The bytes of a standard base64 value (with padding); undefined unless it is the one spelling
 * Node's encoder gives those bytes. Node's decoder forgives missing or misplaced padding, stray
 * low bits and characters that are not base64, so without the round trip one value would have
 * many spellings.
 */
export function fromCanonicalBase64(text: string): Buffer | undefined {
  const bytes = Buffer.from(text, 'base64');
  return bytes.toString('base64') === text ? bytes : undefined;
}
