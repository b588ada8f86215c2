import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { lazyZlibCrc32 } from '../../lib/lazyZlibCrc32.js';
import { PROJECT_ROOT } from '../../lib/PipelineFunction.js';
import { pipelineEsbuildOptions } from '../../lib/pipelineEsbuildOptions.js';

const require = createRequire(join(PROJECT_ROOT, 'package.json'));
const crc32NodeModule = join(dirname(require.resolve('@smithy/core/package.json')), 'dist-es', 'submodules', 'checksum', 'crc32', 'Crc32Node.js');

/**
 * `code` bundled as every function is (`pipelineEsbuildOptions`), then imported in a fresh Node:
 * whether the import loaded zlib, and what `await run()` gives after it.
 */
async function loadBundled(code: string): Promise<{ zlibAtImport: boolean; result: unknown }> {
  const dir = mkdtempSync(join(tmpdir(), 'lazy-zlib-crc32-'));
  const entry = join(dir, 'entry.mjs');
  writeFileSync(entry, code);
  // The entry lies outside the project, so the project's node_modules is named for it to resolve from.
  const { outputFiles } = await build({ ...pipelineEsbuildOptions(entry), nodePaths: [join(PROJECT_ROOT, 'node_modules')], logLevel: 'silent' });
  for (const file of outputFiles) writeFileSync(join(dir, file.path.split('/').pop()!), file.contents);
  const script =
    "const bundle = await import(process.argv[1]); const zlibAtImport = process.moduleLoadList.includes('NativeModule zlib');" +
    'process.stdout.write(JSON.stringify({ zlibAtImport, result: await bundle.run() }));';
  return JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script, pathToFileURL(join(dir, 'index.mjs')).href], { encoding: 'utf8' })) as {
    zlibAtImport: boolean;
    result: unknown;
  };
}

describe('lazyZlibCrc32', () => {
  it('keeps an S3 client from loading zlib when the bundle loads, and computes the same CRC-32 as the SDK’s own code after', async () => {
    const { zlibAtImport, result } = await loadBundled(`
import { S3Client } from '@aws-sdk/client-s3';
import { Crc32Node, Crc32Js } from '@smithy/core/checksum';
export const s3 = new S3Client({ region: 'us-east-1' });
export async function run() {
  const data = new TextEncoder().encode('The quick brown fox jumps over the lazy dog');
  const sums = [];
  for (const Checksum of [Crc32Node, Crc32Js]) {
    const checksum = new Checksum();
    checksum.update(data.subarray(0, 10));
    checksum.update(data.subarray(10));
    sums.push(Buffer.from(await checksum.digest()).toString('hex'));
  }
  return { sums, zlibLoaded: process.moduleLoadList.includes('NativeModule zlib') };
}
`);
    expect(zlibAtImport).toBe(false);
    // CRC-32 of the pangram, 0x414fa339, by zlib (loaded on first use) and by the SDK's JavaScript.
    expect(result).toEqual({ sums: ['414fa339', '414fa339'], zlibLoaded: true });
  });

  it('refuses a Crc32Node.js whose zlib lines changed, naming the line, so an SDK update is reviewed', () => {
    const source = readFileSync(crc32NodeModule, 'utf8');
    expect(lazyZlibCrc32(source)).not.toContain('import * as zlib');
    const changed = source.replace('typeof zlib.crc32 === "function"', 'zlib.crc32 !== undefined');
    expect(() => lazyZlibCrc32(changed, 'Crc32Node.js')).toThrow(/Crc32Node\.js no longer has the line .*typeof zlib\.crc32/);
  });
});
