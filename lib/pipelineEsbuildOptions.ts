import { join, relative } from 'node:path';
import type { BuildOptions } from 'esbuild';
import { PIPELINE_BUNDLING, PROJECT_ROOT } from './PipelineFunction.js';

/**
 * esbuild's API options that produce the same bundle NodejsFunction produces for a
 * PipelineFunction: CDK runs `esbuild --bundle <entry relative to the project root>` there
 * with flags made from `PIPELINE_BUNDLING`, and writes `index.mjs` (ESM) into the asset folder.
 * Benchmarks bundle through this so they measure what is deployed.
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
  };
}
