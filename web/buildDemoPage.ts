import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BuildOptions, OutputFile } from 'esbuild';

/** One file of the demo page: where it is served (`/` is the HTML) and what it holds. */
export interface DemoFile {
  readonly contentType: string;
  readonly body: Buffer;
}

/** What the page is told by `config.json`: the API's base URL when it is hosted apart from it. */
export interface DemoPageConfig {
  readonly apiUrl?: string;
}

const DEMO_DIR = fileURLToPath(new URL('./demo/', import.meta.url));

const OPTIONS: BuildOptions = {
  entryPoints: { app: `${DEMO_DIR}main.ts` },
  bundle: true,
  platform: 'browser',
  format: 'esm',
  target: 'es2022',
  minify: true,
  outdir: '/demo',
  write: false,
  logLevel: 'silent',
};

/**
 * The demo page (web/demo/) by path: `/` (the HTML), `/demo/app.js` and `/demo/app.css` (bundled
 * by esbuild with Uppy, hls.js and the SDK, for browsers), and `/config.json`: `{}` (the API is
 * the page's own origin, as in local mode) or the `apiUrl` of a page hosted apart from its API.
 */
export async function buildDemoPage(config: DemoPageConfig = {}): Promise<ReadonlyMap<string, DemoFile>> {
  return demoFiles((await esbuild().build(OPTIONS)).outputFiles ?? [], config);
}

/** The same, synchronously, for a CDK app at synth (asset contents must be known when the construct is built). */
export function buildDemoPageSync(config: DemoPageConfig = {}): ReadonlyMap<string, DemoFile> {
  return demoFiles(esbuild().buildSync(OPTIONS).outputFiles ?? [], config);
}

/** Writes the page's files into `folder` as a static host serves them: `/` becomes `index.html`. */
export function writeDemoPage(files: ReadonlyMap<string, DemoFile>, folder: string): void {
  for (const [path, file] of files) {
    const target = join(folder, path === '/' ? 'index.html' : path.slice(1));
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, file.body);
  }
}

/** Reads back a page `writeDemoPage` wrote (the construct package ships one, built when it is packed). */
export function readDemoPage(folder: string): ReadonlyMap<string, DemoFile> {
  const names = readdirSync(folder, { recursive: true, encoding: 'utf8' })
    .filter((name) => statSync(join(folder, name)).isFile())
    .sort();
  return new Map(names.map((name) => [name === 'index.html' ? '/' : `/${name.split(sep).join('/')}`, { contentType: contentTypeOf(name), body: readFileSync(join(folder, name)) }]));
}

/**
 * esbuild, loaded on first use: the construct package imports this module for its types and
 * `readDemoPage`, and never builds, so it needs no esbuild.
 */
function esbuild(): typeof import('esbuild') {
  return createRequire(import.meta.url)('esbuild') as typeof import('esbuild');
}

function contentTypeOf(name: string): string {
  if (name.endsWith('.html')) return 'text/html; charset=utf-8';
  if (name.endsWith('.json')) return 'application/json';
  return name.endsWith('.css') ? 'text/css; charset=utf-8' : 'text/javascript; charset=utf-8';
}

function demoFiles(outputs: readonly OutputFile[], config: DemoPageConfig): ReadonlyMap<string, DemoFile> {
  const files = new Map<string, DemoFile>([
    ['/', { contentType: 'text/html; charset=utf-8', body: readFileSync(`${DEMO_DIR}index.html`) }],
    ['/config.json', { contentType: 'application/json', body: Buffer.from(JSON.stringify(config)) }],
  ]);
  for (const output of outputs) {
    const name = output.path.slice(output.path.lastIndexOf('/') + 1);
    files.set(`/demo/${name}`, { contentType: contentTypeOf(name), body: Buffer.from(output.contents) });
  }
  return files;
}
