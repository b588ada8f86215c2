import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { bundleHandler } from '../../lib/bundleHandler.js';
import { BUNDLE_ENTRY_FILE } from '../../lib/pipelineEsbuildOptions.js';

/** A handler whose error is thrown two calls deep, on line 3 of its source. */
const HANDLER = `function checkUpload(id: string): never {
  const reason = \`upload \${id} is broken\`;
  throw new Error(reason);
}
export const handler = async () => checkUpload('u1');
`;

/** A handler whose error is thrown in a module it imports on first use, which esbuild puts in a chunk. */
const LATE_HANDLER = `export const handler = async () => (await import('./late.js')).checkLater('u2');
`;
const LATE_MODULE = `export function checkLater(id: string): never {
  throw new Error(\`upload \${id} is broken later\`);
}
`;

/**
 * A handler whose error is thrown by a function whose name is no identifier (`check(`), called
 * through a variable the minifier renames, so the trace asks the map for the caller's name.
 */
const ODD_NAME_HANDLER = `const checks: Record<string, (id: string) => never> = {
  'check('(id: string): never {
    throw new Error(\`upload \${id} failed a check\`);
  },
};
export const handler = async () => {
  const runCheck = checks['check(']!;
  if (Math.random() > 2) runCheck('never');
  return runCheck('u3');
};
`;

/**
 * Bundles the handler (and the other modules of its folder) as every PipelineFunction is bundled
 * (no NODE_OPTIONS at run time) and returns the path of the bundle's entry file.
 */
async function bundledHandler(handler = HANDLER, modules: Record<string, string> = {}): Promise<string> {
  const root = mkdtempSync(join(tmpdir(), 'source-mapped-'));
  mkdirSync(join(root, 'lambdas', 'broken'), { recursive: true });
  const entry = join(root, 'lambdas', 'broken', 'handler.ts');
  writeFileSync(entry, handler);
  for (const [name, text] of Object.entries(modules)) writeFileSync(join(root, 'lambdas', 'broken', name), text);
  const outdir = join(root, 'out');
  await bundleHandler(entry, outdir);
  return join(outdir, BUNDLE_ENTRY_FILE);
}

/**
 * The stack of the handler's error in a fresh Node: it imports the bundle, then `afterImport`
 * runs, then the handler throws and the trace is printed.
 */
async function stackOf(bundle: string, afterImport: () => void = () => {}): Promise<string> {
  const script = `const { handler } = await import(${JSON.stringify(pathToFileURL(bundle).href)});
process.stdout.write('imported\\n');
process.stdin.once('data', () => handler().catch((error) => { process.stdout.write(error.stack); process.exit(0); }));`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { env: { PATH: process.env.PATH }, stdio: ['pipe', 'pipe', 'inherit'] });
  let output = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    output += chunk;
    if (chunk.startsWith('imported\n')) {
      afterImport();
      child.stdin.end('go');
    }
  });
  const [code] = (await once(child, 'exit')) as [number | null];
  expect(code).toBe(0);
  return output.slice('imported\n'.length);
}

describe('source-mapped stack traces of a bundle', () => {
  it('name the source file, line and function of each frame of the bundle, without --enable-source-maps', async () => {
    const stack = await stackOf(await bundledHandler());
    expect(stack.split('\n')[0]).toBe('Error: upload u1 is broken');
    expect(stack).toMatch(/^ {4}at checkUpload \(lambdas\/broken\/handler\.ts:3:9\)$/m);
    expect(stack).toMatch(/\(lambdas\/broken\/handler\.ts:5:\d+\)$/m);
    expect(stack).not.toContain('index.mjs');
  });

  it('name the source of a frame in a chunk, the file a module imported on first use is bundled to', async () => {
    const bundle = await bundledHandler(LATE_HANDLER, { 'late.ts': LATE_MODULE });
    const chunks = readdirSync(dirname(bundle)).filter((name) => /^chunk-\w+\.mjs$/.test(name));
    expect(chunks.filter((name) => readFileSync(join(dirname(bundle), name), 'utf8').includes('is broken later'))).toHaveLength(1);
    const stack = await stackOf(bundle);
    expect(stack.split('\n')[0]).toBe('Error: upload u2 is broken later');
    expect(stack).toMatch(/^ {4}at \S+ \(lambdas\/broken\/late\.ts:2:9\)$/m);
    expect(stack).not.toMatch(/chunk-\w+\.mjs/);
  });

  it('keep V8\'s name of a frame whose function name is no identifier, and never throw formatting it', async () => {
    const stack = await stackOf(await bundledHandler(ODD_NAME_HANDLER));
    expect(stack.split('\n')[0]).toBe('Error: upload u3 failed a check');
    expect(stack).toMatch(/^ {4}at check\( \(lambdas\/broken\/handler\.ts:3:11\)$/m);
  });

  it('read the source map only when a trace is printed, not at cold start', async () => {
    const bundle = await bundledHandler();
    // The map goes after the import: had the import read it, the trace would still be mapped.
    const stack = await stackOf(bundle, () => rmSync(`${bundle}.map`));
    expect(stack.split('\n')[0]).toBe('Error: upload u1 is broken');
    expect(stack).toContain(`${pathToFileURL(bundle).href}:`);
    expect(stack).not.toContain('handler.ts');
  });

  /** Rewrites the bundle's map in place after the import, as a damaged map would be read. */
  const damageMap = (bundle: string, damage: (map: { sources: unknown[]; names: unknown[] }) => object) => () => {
    writeFileSync(`${bundle}.map`, JSON.stringify(damage(JSON.parse(readFileSync(`${bundle}.map`, 'utf8')) as { sources: unknown[]; names: unknown[] })));
  };

  it('print V8\'s own frame, never throwing, when the map names no source file for it', async () => {
    const bundle = await bundledHandler();
    const stack = await stackOf(bundle, damageMap(bundle, (map) => ({ ...map, sources: map.sources.map(() => null) })));
    expect(stack.split('\n')[0]).toBe('Error: upload u1 is broken');
    expect(stack).toContain(`${pathToFileURL(bundle).href}:`);
  });

  it('keep V8\'s function name when the map\'s name for it is no string', async () => {
    const bundle = await bundledHandler();
    const stack = await stackOf(bundle, damageMap(bundle, (map) => ({ ...map, names: map.names.map((_, i) => i) })));
    expect(stack).toMatch(/^ {4}at \S+ \(lambdas\/broken\/handler\.ts:3:9\)$/m);
    expect(stack).not.toMatch(/^ {4}at \d+ \(/m);
  });
});
