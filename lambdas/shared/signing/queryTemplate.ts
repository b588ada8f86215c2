/**
 * A query string whose keys are fixed and whose few varying values (part number, signature)
 * are spliced into precomputed text, so signing many URLs does not re-sort and re-escape
 * the same parameters for each one.
 */
export interface QueryTemplate {
  /** The varying keys, in the order their values appear. */
  readonly variables: readonly string[];
  /** `variables.length + 1` constant pieces around the spliced values. */
  readonly pieces: readonly string[];
}

/**
 * Sorts `fixed` plus the `variable` keys the way the caller's algorithm does (`sortKey`
 * maps a raw key to what is compared) and escapes keys and fixed values with `escape`.
 * Spliced values are inserted as they are: callers only splice digits and hex.
 */
export function queryTemplate(
  fixed: Readonly<Record<string, string>>,
  variable: readonly string[],
  escape: (value: string) => string,
  sortKey: (key: string) => string,
): QueryTemplate {
  const keys = [...Object.keys(fixed), ...variable].sort((a, b) => {
    const left = sortKey(a);
    const right = sortKey(b);
    return left < right ? -1 : left > right ? 1 : 0;
  });
  const variables: string[] = [];
  const pieces: string[] = [''];
  keys.forEach((key, index) => {
    const separator = index === 0 ? '' : '&';
    const value = fixed[key];
    if (variable.includes(key)) {
      pieces[pieces.length - 1] += `${separator}${escape(key)}=`;
      variables.push(key);
      pieces.push('');
    } else if (value !== undefined) {
      pieces[pieces.length - 1] += `${separator}${escape(key)}=${escape(value)}`;
    }
  });
  return { variables, pieces };
}

/** The query text with each varying key's value spliced in. */
export function renderQuery(template: QueryTemplate, values: Readonly<Record<string, string>>): string {
  let text = template.pieces[0] ?? '';
  template.variables.forEach((name, index) => {
    text += (values[name] ?? '') + (template.pieces[index + 1] ?? '');
  });
  return text;
}
