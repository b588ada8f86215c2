import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

/** One file of the demo page, as the gateway sends it. */
export interface DemoFile {
  readonly contentType: string;
  readonly body: Buffer;
}

const DEMO_DIR = fileURLToPath(new URL('../../web/demo/', import.meta.url));

/**
 * The demo page (web/demo/) as local mode serves it, by path: `/` (the HTML), `/demo/app.js` and
 * `/demo/app.css` (bundled by esbuild with Uppy, hls.js and the SDK, for browsers), and
 * `/config.json`: `{}` (the API is the page's own origin, as in local mode), or the `apiUrl` of a
 * page hosted apart from its API (`npm run build:demo`).
 */
export async function buildDemoPage(pageConfig: { readonly apiUrl?: string } = {}): Promise<ReadonlyMap<string, DemoFile>> {
  const result = await build({
    entryPoints: { app: `${DEMO_DIR}main.ts` },
    bundle: true,
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
    minify: true,
    outdir: '/demo',
    write: false,
    logLevel: 'silent',
  });
  const files = new Map<string, DemoFile>([
    ['/', { contentType: 'text/html; charset=utf-8', body: await readFile(`${DEMO_DIR}index.html`) }],
    ['/config.json', { contentType: 'application/json', body: Buffer.from(JSON.stringify(pageConfig)) }],
  ]);
  for (const output of result.outputFiles) {
    const name = output.path.slice(output.path.lastIndexOf('/') + 1);
    const contentType = name.endsWith('.css') ? 'text/css; charset=utf-8' : 'text/javascript; charset=utf-8';
    files.set(`/demo/${name}`, { contentType, body: Buffer.from(output.contents) });
  }
  return files;
}

/** Paths of the page; no API route has them. */
const PAGE_PATHS = new Set(['/', '/config.json', '/demo/app.js', '/demo/app.css']);

/**
 * The gateway's handler for the page's paths: builds the page on the first request (again after
 * a failed build), so starting local mode costs nothing for it, and answers each file, or
 * undefined for any other path.
 */
export function demoPageFiles(): (path: string) => Promise<DemoFile | undefined> {
  let files: Promise<ReadonlyMap<string, DemoFile>> | undefined;
  return async (path) => {
    if (!PAGE_PATHS.has(path)) return undefined;
    files ??= buildDemoPage();
    try {
      return (await files).get(path);
    } catch (error) {
      files = undefined;
      throw error;
    }
  };
}
