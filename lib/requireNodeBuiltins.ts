import { isBuiltin } from 'node:module';
import type { Plugin } from 'esbuild';

const NAMESPACE = 'node-builtin-require';

/**
 * An esbuild plugin that turns each static `import … from 'node:<module>'` of the bundle into a
 * `require` of that built-in (through the `require` the bundle's banner makes), instead of an
 * ESM import of it.
 *
 * Why: an ESM import of a built-in links a module namespace holding a copy of every export, so
 * Node reads every property of the built-in, getters included. On Node 22 and later `node:http`
 * has getters (`WebSocket`, `CloseEvent`, `MessageEvent`) that exist to load undici lazily:
 * importing it loads undici, http2, worker_threads, assert and more, 35 to 50 ms of a Node 24
 * cold start here (nodejs/node#57649, #59686). `node:fs` (`promises`) and `node:process`
 * (`report`) do the same on a smaller scale. `require` returns the built-in object itself and
 * reads a property only when the code uses it, as the SDK's own CommonJS build does.
 *
 * Dynamic `import()` of a built-in is left as it is (it happens on first use, not at cold start).
 */
export const requireNodeBuiltinsPlugin: Plugin = {
  name: 'require-node-builtins',
  setup(build) {
    build.onResolve({ filter: /^(node:)?[a-z_]+(\/[a-z_]+)*$/ }, ({ path, kind, namespace }) => {
      if (!isBuiltin(path)) return undefined;
      if (namespace === NAMESPACE) return { path, external: true };
      return kind === 'import-statement' ? { path, namespace: NAMESPACE } : undefined;
    });
    build.onLoad({ filter: /.*/, namespace: NAMESPACE }, ({ path }) => ({
      contents: `module.exports = require(${JSON.stringify(path)});`,
      loader: 'js',
    }));
  },
};
