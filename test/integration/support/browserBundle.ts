import { build } from 'esbuild';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface BrowserBundle {
  readonly code: string;
  /** The source files in the bundle, relative to the repository root. */
  readonly inputs: readonly string[];
}

const PAGE_SCRIPT = fileURLToPath(new URL('./browserPage.ts', import.meta.url));

/**
 * Bundles a test page script (by default the SDK's, `browserPage.ts`) the way an app's bundler
 * would: for the browser, with no Node polyfills, so a Node built-in reached from `client/index.ts`
 * fails the build ("Could not resolve \"node:…\"") instead of going unnoticed.
 */
export async function bundleBrowserPage(entry: string = PAGE_SCRIPT): Promise<BrowserBundle> {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
    write: false,
    metafile: true,
    logLevel: 'silent',
  }).catch((error: Error) => {
    throw new Error(`The SDK's browser entry does not bundle for the browser (a Node built-in?): ${error.message}`);
  });
  const [output] = result.outputFiles;
  if (!output) throw new Error('esbuild produced no output for the browser page');
  return { code: output.text, inputs: Object.keys(result.metafile.inputs).map((input) => relative(process.cwd(), input)) };
}
