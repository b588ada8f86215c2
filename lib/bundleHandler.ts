/**
 * Bundles one handler the way every PipelineFunction is bundled (`pipelineEsbuildOptions`):
 *
 *   node --import tsx lib/bundleHandler.ts <entry> <outdir>
 *
 * `handlerBundling` runs this at synth in a clone; CDK's bundling must be synchronous and
 * esbuild's synchronous API takes no plugins, so the build runs in a process of its own.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build, type Metafile } from 'esbuild';
import { BUNDLE_BUILD_DIR, pipelineEsbuildOptions } from './pipelineEsbuildOptions.js';

/**
 * Writes `index.mjs`, its chunks and their source maps for `entry` into `outdir`, and returns
 * esbuild's metafile of the build (output paths under `BUNDLE_BUILD_DIR`, relative to the root).
 */
export async function bundleHandler(entry: string, outdir: string): Promise<Metafile> {
  const { outputFiles, metafile } = await build({ ...pipelineEsbuildOptions(entry), metafile: true, logLevel: 'warning' });
  for (const file of outputFiles) {
    const target = join(outdir, relative(BUNDLE_BUILD_DIR, file.path));
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, file.contents);
  }
  return metafile;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const [entry, outdir] = process.argv.slice(2);
  if (entry === undefined || outdir === undefined) throw new Error('usage: node --import tsx lib/bundleHandler.ts <entry> <outdir>');
  await bundleHandler(entry, outdir);
}
