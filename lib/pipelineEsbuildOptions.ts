import { join, relative } from 'node:path';
import type { BuildOptions } from 'esbuild';
import { literalTraitKeysPlugin } from './literalTraitKeys.js';
import { PIPELINE_BUNDLING, PROJECT_ROOT } from './PipelineFunction.js';
import { requireNodeBuiltinsPlugin } from './requireNodeBuiltins.js';

/**
 * esbuild's API options for a PipelineFunction's bundle, `index.mjs` (ESM) in `outdir`: the
 * flags of `PIPELINE_BUNDLING`, `literalTraitKeysPlugin`, which lets esbuild drop the SDK
 * schemas a function never uses, and `requireNodeBuiltinsPlugin`, which keeps Node 24 from
 * loading the parts of its built-ins (undici behind `node:http`) that nothing uses. The one way every handler is bundled: at synth in a clone
 * (`bundleHandler`), when the construct package is packed, and by the benchmarks and the
 * least-privilege test, so they measure and check what is deployed.
 */
export function pipelineEsbuildOptions(entry: string, outdir: string): BuildOptions & { outfile: string } {
  const bundling = PIPELINE_BUNDLING;
  return {
    absWorkingDir: PROJECT_ROOT,
    entryPoints: [relative(PROJECT_ROOT, entry)],
    bundle: true,
    target: bundling.target,
    platform: 'node',
    format: bundling.format,
    outfile: join(outdir, 'index.mjs'),
    minify: bundling.minify,
    sourcemap: bundling.sourceMap,
    sourcesContent: bundling.sourcesContent,
    external: [...bundling.externalModules],
    mainFields: [...bundling.mainFields],
    banner: { js: bundling.banner },
    // Maps stack traces to the sources on the first one printed, where --enable-source-maps would read the map at every cold start.
    inject: [join(PROJECT_ROOT, 'lambdas', 'shared', 'mapBundleStackTraces.ts')],
    plugins: [literalTraitKeysPlugin, requireNodeBuiltinsPlugin],
  };
}
