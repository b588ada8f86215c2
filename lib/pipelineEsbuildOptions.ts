import { join, relative } from 'node:path';
import type { BuildOptions } from 'esbuild';
import { lazyZlibCrc32Plugin } from './lazyZlibCrc32.js';
import { literalTraitKeysPlugin } from './literalTraitKeys.js';
import { PIPELINE_BUNDLING, PROJECT_ROOT } from './PipelineFunction.js';
import { requireNodeBuiltinsPlugin } from './requireNodeBuiltins.js';

/** The file of a bundle's folder that Lambda loads (`index.handler`); the rest are its chunks. */
export const BUNDLE_ENTRY_FILE = 'index.mjs';

/**
 * The folder esbuild is told it writes to; `bundleHandler` writes the files wherever the bundle
 * goes. The paths in the source maps, and with them the chunks' hashed names, are relative to
 * it, so a bundle's bytes do not depend on where the clone or its cdk.out lies.
 */
export const BUNDLE_BUILD_DIR = join(PROJECT_ROOT, 'bundle');

/**
 * esbuild's API options for a PipelineFunction's bundle: `index.mjs` (ESM) and its chunks, built
 * in memory (`bundleHandler` writes them), with the flags of `PIPELINE_BUNDLING` and three
 * plugins: `literalTraitKeysPlugin`, which lets esbuild drop the SDK schemas a function never
 * uses; `lazyZlibCrc32Plugin`, which loads zlib on the first CRC-32 rather than at cold start; and
 * `requireNodeBuiltinsPlugin`, which keeps Node 24 from loading the parts of its built-ins (undici
 * behind `node:http`) that nothing uses. The one way every handler is bundled (`bundleHandler`):
 * at synth in a clone, when the construct package is packed, and by the benchmarks and the
 * least-privilege test, so they measure and check what is deployed.
 *
 * Why chunks (`splitting`): the SDK imports some modules with `import()` (the credential
 * providers after the environment's, the event-stream serde). In one file, esbuild makes each of
 * those and everything they import (most of `@smithy/core` and `@aws-sdk/core`) a function run at
 * start, and V8 parses every such function twice, once skimmed with the file and again in full
 * when it runs: 12 to 14 ms of a Node 24 cold start here (bench/bundles.ts). With chunks, what
 * only `import()` reaches is a file loaded on first use and the rest is plain top-level code.
 */
export function pipelineEsbuildOptions(entry: string): BuildOptions & { write: false } {
  const bundling = PIPELINE_BUNDLING;
  return {
    absWorkingDir: PROJECT_ROOT,
    entryPoints: [relative(PROJECT_ROOT, entry)],
    bundle: true,
    target: bundling.target,
    platform: 'node',
    format: bundling.format,
    outdir: BUNDLE_BUILD_DIR,
    write: false,
    splitting: true,
    entryNames: BUNDLE_ENTRY_FILE.replace(/\.mjs$/, ''),
    chunkNames: 'chunk-[hash]',
    outExtension: { '.js': '.mjs' },
    minify: bundling.minify,
    sourcemap: bundling.sourceMap,
    sourcesContent: bundling.sourcesContent,
    external: [...bundling.externalModules],
    mainFields: [...bundling.mainFields],
    // Every chunk gets the banner: each is a module of its own that needs a `require`.
    banner: { js: bundling.banner },
    // Maps stack traces to the sources on the first one printed, where --enable-source-maps would read the map at every cold start.
    inject: [join(PROJECT_ROOT, 'lambdas', 'shared', 'mapBundleStackTraces.ts')],
    plugins: [literalTraitKeysPlugin, lazyZlibCrc32Plugin, requireNodeBuiltinsPlugin],
  };
}
