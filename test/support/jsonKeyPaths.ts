import { readFileSync } from 'node:fs';

/**
 * Every member path of a JSON value with the type found there (`detail.jobProgress.currentPhase:
 * string`, arrays as `[]`): two documents with the same paths have the same shape whatever their
 * values. Members named in `opaque` are maps whose keys are data (userMetadata): only their type counts.
 */
export function jsonKeyPaths(value: unknown, opaque: ReadonlySet<string> = new Set(), path = ''): Set<string> {
  const paths = new Set<string>();
  const type = Array.isArray(value) ? 'array' : value === null ? 'null' : typeof value;
  if (path !== '') paths.add(`${path}: ${type}`);
  const name = path.slice(path.lastIndexOf('.') + 1);
  if (opaque.has(name)) return paths;
  if (Array.isArray(value)) {
    for (const each of value) for (const inner of jsonKeyPaths(each, opaque, `${path}[]`)) paths.add(inner);
  } else if (value !== null && typeof value === 'object') {
    for (const [key, member] of Object.entries(value)) {
      for (const inner of jsonKeyPaths(member, opaque, path === '' ? key : `${path}.${key}`)) paths.add(inner);
    }
  }
  return paths;
}

/** A documented MediaConvert event from test/fixtures/mediaconvert/events. */
export function documentedEvent(name: string): unknown {
  return JSON.parse(readFileSync(new URL(`../fixtures/mediaconvert/events/${name}.json`, import.meta.url), 'utf8'));
}
