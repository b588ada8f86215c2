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
import { build, type Metafile, type OutputFile } from 'esbuild';
import { PROJECT_ROOT } from './PipelineFunction.js';
import { BUNDLE_BUILD_DIR, BUNDLE_ENTRY_FILE, pipelineEsbuildOptions } from './pipelineEsbuildOptions.js';

/** A handler's bundle in memory: the files that ship and esbuild's metafile of them. */
export interface HandlerBundle {
  /** `index.mjs`, the chunks it loads and their source maps, with paths under `BUNDLE_BUILD_DIR`. */
  readonly files: readonly OutputFile[];
  /** esbuild's metafile with only the outputs in `files` (paths relative to the root). */
  readonly metafile: Metafile;
}

/**
 * Builds `entry` as every PipelineFunction is built, keeping only what ships: the entry file,
 * the chunks it loads and their maps.
 *
 * esbuild makes a chunk of every `import()` target it finds, also of one whose `import()` tree
 * shaking then drops (evanw/esbuild#3252): the SDK's browser user-agent parser (bowser, 35 KB and
 * its map) would ship in every SDK function, loaded by nothing, and count in its size. Only what
 * the entry file reaches is kept, so the bench and the least-privilege test see what deploys.
 */
export async function buildHandlerBundle(entry: string): Promise<HandlerBundle> {
  const { outputFiles, metafile } = await build({ ...pipelineEsbuildOptions(entry), metafile: true, logLevel: 'warning' });
  const loaded = loadedOutputs(metafile);
  return {
    files: outputFiles.filter((file) => loaded.has(relative(PROJECT_ROOT, file.path))),
    metafile: { ...metafile, outputs: Object.fromEntries(Object.entries(metafile.outputs).filter(([path]) => loaded.has(path))) },
  };
}

/** Writes the handler's bundle (`buildHandlerBundle`) into `outdir` and returns its metafile. */
export async function bundleHandler(entry: string, outdir: string): Promise<Metafile> {
  const { files, metafile } = await buildHandlerBundle(entry);
  for (const file of files) {
    const target = join(outdir, relative(BUNDLE_BUILD_DIR, file.path));
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, file.contents);
  }
  return metafile;
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
