/**
 * Size of the client SDK's browser/React Native core (`@media-pipeline/client`, `client/index.ts`)
 * as an app's bundler ships it: bundled by esbuild for the browser (no Node polyfills, so a Node
 * built-in reached from the core fails the build), minified, then gzipped and brotli-compressed.
 *
 * Three apps: one that uses every export of the core (the upper bound), one that imports only
 * `createClient` (what tree shaking leaves for the common case), and the core with the offline
 * upload queue's entry (its IndexedDB store and `idb-keyval` included). The package's `dist/index.js` is
 * tsc's output of the same sources, so bundling the sources measures the same code without a build.
 *
 * Goal (issue 13): the whole core ≤ 12 KB minified + gzipped.
 *
 *   npx tsx bench/clientSize.ts
 */
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { build, type Metafile } from 'esbuild';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const GOAL_GZIP_BYTES = 12 * 1000;

interface App {
  readonly name: string;
  readonly source: string;
}

const APPS: readonly App[] = [
  { name: 'whole core', source: `export * from './client/index.js';` },
  { name: 'createClient only', source: `export { createClient } from './client/index.js';` },
  // The offline queue is its own entry (`@media-pipeline/client/queue`): only apps that use it pay for it.
  { name: 'core + queue', source: `export * from './client/index.js';\nexport * from './client/queue/index.js';` },
];

interface Measured {
  readonly name: string;
  readonly minified: number;
  readonly gzip: number;
  readonly brotli: number;
  readonly metafile: Metafile;
}

async function measure(app: App): Promise<Measured> {
  const result = await build({
    stdin: { contents: app.source, resolveDir: ROOT, sourcefile: `${app.name}.js`, loader: 'js' },
    bundle: true,
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
    minify: true,
    write: false,
    metafile: true,
    logLevel: 'silent',
  }).catch((error: Error) => {
    throw new Error(`The client's core does not bundle for the browser (a Node built-in?): ${error.message}`);
  });
  const [output] = result.outputFiles;
  if (!output) throw new Error(`esbuild produced no output for ${app.name}`);
  const code = output.contents;
  return {
    name: app.name,
    minified: code.byteLength,
    gzip: gzipSync(code, { level: 9 }).byteLength,
    brotli: brotliCompressSync(code, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).byteLength,
    metafile: result.metafile,
  };
}

/** The modules that weigh most in the bundle (minified bytes each contributes). */
function heaviestModules(metafile: Metafile, count: number): string {
  const [output] = Object.values(metafile.outputs);
  return Object.entries(output?.inputs ?? {})
    .sort(([, a], [, b]) => b.bytesInOutput - a.bytesInOutput)
    .slice(0, count)
    .map(([path, { bytesInOutput }]) => `${path.replace(/^client\//, '')} ${kb(bytesInOutput)}`)
    .join(', ');
}

function kb(bytes: number): string {
  return `${(bytes / 1000).toFixed(1)} KB`;
}

const results: Measured[] = [];
for (const app of APPS) results.push(await measure(app));

console.log(`esbuild for the browser, es2022, minified; KB = 1,000 bytes\n`);
console.log(`${'app'.padEnd(20)}${'minified'.padStart(10)}${'gzip'.padStart(10)}${'brotli'.padStart(10)}  goal`);
for (const result of results) {
  const goal = result === results[0] ? (result.gzip <= GOAL_GZIP_BYTES ? 'ok' : 'MISSED') : '';
  console.log(
    `${result.name.padEnd(20)}${kb(result.minified).padStart(10)}${kb(result.gzip).padStart(10)}${kb(result.brotli).padStart(10)}  ${goal}`,
  );
}
const [whole] = results as [Measured, ...Measured[]];
console.log(`\nheaviest in the whole core: ${heaviestModules(whole.metafile, 6)}`);
console.log(`goal: whole core ≤ ${kb(GOAL_GZIP_BYTES)} gzip; ${(whole.gzip / GOAL_GZIP_BYTES).toFixed(2)}× the goal`);
