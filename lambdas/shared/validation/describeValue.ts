const MAX_LENGTH = 100;

/**
 * A client's value as an error message quotes it: JSON, cut short so that a huge or hostile
 * input cannot blow up a response or a log line.
 */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    // A cycle or a nesting too deep to print: String() would recurse just as deep.
    text = Array.isArray(value) ? 'an array' : typeof value;
  }
  return text.length > MAX_LENGTH ? `${text.slice(0, MAX_LENGTH)}…` : text;
}
