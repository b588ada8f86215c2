// Path separators and control characters: a name from the server must not point anywhere else.
const UNSAFE = /[/\\\u0000-\u001f\u007f-\u009f]/g;

/**
 * Where `download ID` saves without a PATH: the upload's own filename in the current folder,
 * made into one plain name (the API checks names at create; this does not rely on it).
 */
export function localFilename(filename: string, uploadId: string): string {
  const name = filename.replace(UNSAFE, '_').trim();
  return name === '' || /^\.+$/.test(name) || name.startsWith('-') ? `${uploadId}.download` : name;
}
