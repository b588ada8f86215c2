/**
 * Bundles one handler the way every PipelineFunction is bundled (`pipelineEsbuildOptions`):
 *
 *   node --import tsx lib/bundleHandler.ts <entry> <outdir>
 *
 * `handlerBundling` runs this at synth in a clone; CDK's bundling must be synchronous and
 * esbuild's synchronous API takes no plugins, so the build runs in a process of its own.
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { pipelineEsbuildOptions } from './pipelineEsbuildOptions.js';

/** Writes `index.mjs` and its source map for `entry` into `outdir`. */
export async function bundleHandler(entry: string, outdir: string): Promise<void> {
  await build({ ...pipelineEsbuildOptions(entry, outdir), logLevel: 'warning' });
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const [entry, outdir] = process.argv.slice(2);
  if (entry === undefined || outdir === undefined) throw new Error('usage: node --import tsx lib/bundleHandler.ts <entry> <outdir>');
  await bundleHandler(entry, outdir);
}
