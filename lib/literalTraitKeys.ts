import { readFile } from 'node:fs/promises';
import type { Plugin } from 'esbuild';

/**
 * The AWS SDK's generated schema modules (`@aws-sdk/client-<service>/dist-es/schemas/schemas_N.js`),
 * one per client, holding every operation's and shape's schema.
 */
export const SDK_SCHEMA_MODULE = /[\\/]@aws-sdk[\\/]client-[^\\/]+[\\/]dist-es[\\/]schemas[\\/]schemas_\d+\.js$/;

const STRING_CONSTANT = /^const (_\w+) = ("(?:[^"\\\n]|\\.)*");$/gm;
const COMPUTED_KEY = /\[(_\w+)\]:/g;

/**
 * The schema module with its trait keys written as string literals: `{ [_hE]: 400 }` becomes
 * `{ "httpError": 400 }`, the value of the module's own top-level `const _hE = "httpError"`.
 *
 * Why: the SDK writes trait objects with computed keys, and esbuild keeps every statement with a
 * computed key (it could call `toString`), so a function importing one command of a client ships
 * the schemas of all of them (80 KB of MediaConvert's for CancelJob alone; aws-sdk-js-v3 #7607,
 * esbuild #4373). Literal keys are the fix proposed upstream (smithy-typescript #1889); with them
 * esbuild drops the schemas nothing uses. The objects are the same: each key is the very string
 * its constant holds (the constants are `const` string literals at the top of a generated module
 * with no inner scopes that could shadow them). A key naming anything else is left as it is.
 */
export function literalTraitKeys(source: string): string {
  const strings = new Map<string, string>();
  for (const [, name, literal] of source.matchAll(STRING_CONSTANT)) strings.set(name!, literal!);
  return source.replace(COMPUTED_KEY, (key, name: string) => {
    const literal = strings.get(name);
    return literal === undefined ? key : `${literal}:`;
  });
}

/** An esbuild plugin that loads the SDK's schema modules through `literalTraitKeys`. */
export const literalTraitKeysPlugin: Plugin = {
  name: 'literal-trait-keys',
  setup(build) {
    build.onLoad({ filter: SDK_SCHEMA_MODULE }, async ({ path }) => ({ contents: literalTraitKeys(await readFile(path, 'utf8')), loader: 'js' }));
  },
};
