import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type BuildOptions, build, buildSync, type OutputFile } from 'esbuild';

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
  return demoFiles((await build(OPTIONS)).outputFiles ?? [], config);
}

/** The same, synchronously, for a CDK app at synth (asset contents must be known when the construct is built). */
export function buildDemoPageSync(config: DemoPageConfig = {}): ReadonlyMap<string, DemoFile> {
  return demoFiles(buildSync(OPTIONS).outputFiles ?? [], config);
}

function demoFiles(outputs: readonly OutputFile[], config: DemoPageConfig): ReadonlyMap<string, DemoFile> {
  const files = new Map<string, DemoFile>([
    ['/', { contentType: 'text/html; charset=utf-8', body: readFileSync(`${DEMO_DIR}index.html`) }],
    ['/config.json', { contentType: 'application/json', body: Buffer.from(JSON.stringify(config)) }],
  ]);
  for (const output of outputs) {
    const name = output.path.slice(output.path.lastIndexOf('/') + 1);
    files.set(`/demo/${name}`, { contentType: name.endsWith('.css') ? 'text/css; charset=utf-8' : 'text/javascript; charset=utf-8', body: Buffer.from(output.contents) });
  }
  return files;
}
