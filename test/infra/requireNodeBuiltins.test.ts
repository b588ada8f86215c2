import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build, type Plugin } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { PIPELINE_BUNDLING, PROJECT_ROOT } from '../../lib/PipelineFunction.js';
import { requireNodeBuiltinsPlugin } from '../../lib/requireNodeBuiltins.js';

/** Code that takes Node built-ins every way a dependency does: named, default, namespace, re-export and `import()`. */
const SOURCE = `
import { join } from 'node:path';
import os from 'node:os';
import * as url from 'url';
import { readFile } from 'node:fs/promises';
import { existsSync } from 'fs';
export { EventEmitter } from 'node:events';
export const used = () => ({ joined: join('a', 'b'), eol: os.EOL, href: url.pathToFileURL('/x').href, readFile: typeof readFile, exists: existsSync('/') });
export const later = () => import('node:http').then((http) => typeof http.request);
`;

/** The source bundled as a PipelineFunction's bundle is (ESM, with the banner's `require`), written to a file. */
async function bundleFile(plugins: Plugin[]): Promise<string> {
  const result = await build({
    stdin: { contents: SOURCE, resolveDir: PROJECT_ROOT },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: PIPELINE_BUNDLING.target,
    banner: { js: PIPELINE_BUNDLING.banner },
    write: false,
    logLevel: 'silent',
    plugins,
  });
  const file = join(mkdtempSync(join(tmpdir(), 'require-node-builtins-')), 'index.mjs');
  writeFileSync(file, result.outputFiles[0]!.text);
  return file;
}

/**
 * Imports the bundle in a fresh Node and tells whether that read `fs.promises`, a getter that
 * loads a module on first read, as `http.WebSocket` does on Node 22 and later.
 */
function readsGetterAtImport(file: string): boolean {
  const script =
    "const fs = (await import('node:module')).createRequire(import.meta.url)('node:fs');" +
    "const { get } = Object.getOwnPropertyDescriptor(fs, 'promises');" +
    "Object.defineProperty(fs, 'promises', { get() { globalThis.probed = true; return get.call(this); } });" +
    'await import(process.argv[1]);' +
    'process.stdout.write(String(globalThis.probed === true));';
  return execFileSync(process.execPath, ['--input-type=module', '-e', script, pathToFileURL(file).href], { encoding: 'utf8' }) === 'true';
}

describe('requireNodeBuiltinsPlugin', () => {
  it('leaves no static import of a built-in in the bundle but the banner’s, only the import() that waits for first use', async () => {
    const text = readFileSync(await bundleFile([requireNodeBuiltinsPlugin]), 'utf8');
    expect(text.match(/^import\b.*$/gm)).toEqual([PIPELINE_BUNDLING.banner]);
    expect(text).not.toMatch(/\bfrom\s*["'](node:)?(path|os|url|fs\/promises|events)["']/);
    expect(text).toContain('import("node:http")');
  });

  it('gives the code the same built-ins: named, default and namespace imports, re-exports and import() all work', async () => {
    const bundle = (await import(pathToFileURL(await bundleFile([requireNodeBuiltinsPlugin])).href)) as {
      used: () => unknown;
      later: () => Promise<string>;
      EventEmitter: unknown;
    };
    const { EventEmitter } = await import('node:events');
    const { EOL } = await import('node:os');
    expect(bundle.used()).toEqual({ joined: join('a', 'b'), eol: EOL, href: 'file:///x', readFile: 'function', exists: true });
    expect(bundle.EventEmitter).toBe(EventEmitter);
    await expect(bundle.later()).resolves.toBe('function');
  });

  it('reads no getter of a built-in at import, where an ESM import of it reads them all', async () => {
    const [plain, required] = await Promise.all([bundleFile([]), bundleFile([requireNodeBuiltinsPlugin])]);
    expect(readsGetterAtImport(plain)).toBe(true);
    expect(readsGetterAtImport(required)).toBe(false);
  });
});
