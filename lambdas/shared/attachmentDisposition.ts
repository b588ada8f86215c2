/**
 * A `Content-Disposition` that makes a browser save the response as a file under the client's
 * own filename (RFC 6266): `attachment; filename="<ASCII fallback>"; filename*=UTF-8''<RFC 5987>`.
 * Browsers that read `filename*` get the exact name; the quoted fallback is for the few that
 * do not. Filenames are checked at create (lambdas/shared/validation/filename.ts), but the
 * header is built as if they were hostile: it must stay one header on one line whatever the
 * record holds, and never name a path.
 */
export function attachmentDisposition(filename: string): string {
  const name = safeName(filename);
  return `attachment; filename="${asciiFallback(name)}"; filename*=UTF-8''${rfc5987Encode(name)}`;
}

/** When nothing of the name is left to show. */
const FALLBACK_NAME = 'download';

// C0 and C1 controls and DEL: a CR or LF would end the header, the others show as nothing.
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;
// A path separator would make the name a path; browsers replace them too, not all the same way.
const PATH_SEPARATOR = /[/\\]/g;

/** The name as one line with no path in it; `.` and `..` (and blanks) name no file. */
function safeName(filename: string): string {
  const name = filename.replace(CONTROL, '').replace(PATH_SEPARATOR, '_').trim();
  return name === '' || name === '.' || name === '..' ? FALLBACK_NAME : name;
}

/**
 * Printable ASCII only, without the two characters a quoted-string must escape (`"` and `\`)
 * and without `%`, which some browsers percent-decode inside `filename`; the rest becomes `_`.
 */
function asciiFallback(name: string): string {
  return name.replace(/[^\u0020-\u007e]|["\\%]/gu, '_');
}

// RFC 5987 attr-char: ALPHA / DIGIT / "!" / "#" / "$" / "&" / "+" / "-" / "." / "^" / "_" / "`" / "|" / "~"
const ATTR_CHAR = /^[A-Za-z0-9!#$&+\-.^_`|~]$/;

/**
 * The UTF-8 bytes of `value` with every byte that is not an attr-char as `%XX`. Encoding
 * through a Buffer turns a lone surrogate into U+FFFD instead of throwing (as
 * `encodeURIComponent` does).
 */
function rfc5987Encode(value: string): string {
  let encoded = '';
  for (const byte of Buffer.from(value, 'utf8')) {
    const char = String.fromCharCode(byte);
    encoded += byte < 0x80 && ATTR_CHAR.test(char) ? char : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return encoded;
}
