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
import { PROJECT_ROOT } from './PipelineFunction.js';
import { BUNDLE_BUILD_DIR, BUNDLE_ENTRY_FILE, pipelineEsbuildOptions } from './pipelineEsbuildOptions.js';

/**
 * Writes `index.mjs`, the chunks it loads and their source maps for `entry` into `outdir`, and
 * returns esbuild's metafile of what it wrote (output paths under `BUNDLE_BUILD_DIR`, relative
 * to the root).
 *
 * esbuild makes a chunk of every `import()` target it finds, also of one whose `import()` tree
 * shaking then drops (evanw/esbuild#3252): the SDK's browser user-agent parser (bowser, 35 KB and
 * its map) would ship in every SDK function, loaded by nothing, and count in its size. Only what
 * the entry file reaches is written.
 */
export async function bundleHandler(entry: string, outdir: string): Promise<Metafile> {
  const { outputFiles, metafile } = await build({ ...pipelineEsbuildOptions(entry), metafile: true, logLevel: 'warning' });
  const loaded = loadedOutputs(metafile);
  for (const file of outputFiles) {
    if (!loaded.has(relative(PROJECT_ROOT, file.path))) continue;
    const target = join(outdir, relative(BUNDLE_BUILD_DIR, file.path));
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, file.contents);
  }
  return { ...metafile, outputs: Object.fromEntries(Object.entries(metafile.outputs).filter(([path]) => loaded.has(path))) };
}

/** The metafile's outputs the entry file loads, by `import` or `import()`, and their maps. */
function loadedOutputs(metafile: Metafile): Set<string> {
  const loaded = new Set<string>();
  const visit = (path: string): void => {
    const output = metafile.outputs[path];
    if (output === undefined || loaded.has(path)) return;
    loaded.add(path);
    if (metafile.outputs[`${path}.map`] !== undefined) loaded.add(`${path}.map`);
    for (const imported of output.imports) if (!imported.external) visit(imported.path);
  };
  visit(relative(PROJECT_ROOT, join(BUNDLE_BUILD_DIR, BUNDLE_ENTRY_FILE)));
  return loaded;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const [entry, outdir] = process.argv.slice(2);
  if (entry === undefined || outdir === undefined) throw new Error('usage: node --import tsx lib/bundleHandler.ts <entry> <outdir>');
  await bundleHandler(entry, outdir);
}
