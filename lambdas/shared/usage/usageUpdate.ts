/**
 * One conditional change of a user's usage item, in UpdateItem's terms. Plans are plain data,
 * so they can be checked without DynamoDB; `usageTable.ts` sends them.
 */
export interface UsageUpdate {
  readonly update: string;
  readonly condition: string;
  readonly names: Readonly<Record<string, string>>;
  readonly values: Readonly<Record<string, unknown>>;
}

/** Every attribute of the item, by the placeholder the expressions use for it. */
const ATTRIBUTES: Readonly<Record<string, string>> = {
  '#ownerId': 'ownerId',
  '#activeUploads': 'activeUploads',
  '#bytesInFlight': 'bytesInFlight',
  '#bytesHeld': 'bytesHeld',
  // `hour` is one of DynamoDB's reserved words, so every name goes through a placeholder.
  '#hour': 'hour',
  '#uploadsThisHour': 'uploadsThisHour',
  '#active': 'active',
  '#released': 'released',
  '#updatedAt': 'updatedAt',
  '#phase': 'phase',
  '#size': 'size',
};

const PLACEHOLDER = /[#:][A-Za-z0-9_]+/g;

/**
 * Builds an update from its expressions, keeping only the names and values they use (DynamoDB
 * refuses unused ones). `keys` names the map keys the expressions address, such as an upload id
 * as `#upload`. Throws on a placeholder without a name or value: a bug in a plan, not a state.
 */
export function usageUpdate(
  update: string,
  condition: string,
  values: Readonly<Record<string, unknown>>,
  keys: Readonly<Record<string, string>> = {},
): UsageUpdate {
  const known: Record<string, string> = { ...ATTRIBUTES, ...keys };
  const names: Record<string, string> = {};
  const usedValues: Record<string, unknown> = {};
  for (const placeholder of new Set(`${update} ${condition}`.match(PLACEHOLDER))) {
    if (placeholder.startsWith('#')) {
      const name = known[placeholder];
      if (name === undefined) throw new TypeError(`usage update names ${placeholder}, which has no attribute name`);
      names[placeholder] = name;
    } else {
      if (!(placeholder in values)) throw new TypeError(`usage update uses ${placeholder}, which has no value`);
      usedValues[placeholder] = values[placeholder];
    }
  }
  return { update, condition, names, values: usedValues };
}
