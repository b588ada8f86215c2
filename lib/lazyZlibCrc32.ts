import { readFile } from 'node:fs/promises';
import type { Plugin } from 'esbuild';

/** `@smithy/core`'s CRC-32 on Node's zlib, which the S3 client's flexible-checksum middleware imports. */
export const CRC32_NODE_MODULE = /[\\/]@smithy[\\/]core[\\/]dist-es[\\/]submodules[\\/]checksum[\\/]crc32[\\/]Crc32Node\.js$/;

/** The module's zlib import and its test for `zlib.crc32`, both run when the bundle loads. */
const EAGER_ZLIB = [
  'import * as zlib from "node:zlib";',
  'const zlibCrc32 = typeof zlib.crc32 === "function" ? zlib.crc32 : undefined;',
] as const;

/** The same class, over a `crc32` that loads zlib on its first call (every Node 24 has `zlib.crc32`). */
const LAZY_ZLIB = [
  'import { createRequire as createZlibRequire } from "node:module";',
  'let zlib; const zlibCrc32 = (data, value) => (zlib ??= createZlibRequire(import.meta.url)("node:zlib")).crc32(data, value);',
] as const;

/**
 * `Crc32Node.js` with zlib loaded on the first checksum computed instead of at cold start.
 *
 * Why: the module reads `zlib.crc32` at import, so every S3 function loads `node:zlib` (about 7 ms
 * of a Node 24 cold start here) though none computes a CRC-32: they presign, and send no bodies
 * that need one. The functions run on Node 24, whose zlib always has `crc32` (since 22.2 and
 * 20.15), so the test the module makes at import has one answer. The text it replaces must be
 * there exactly: an SDK release that changes the module fails the build here instead of
 * bundling it unchanged or half-changed.
 */
export function lazyZlibCrc32(source: string, path = 'Crc32Node.js'): string {
  let patched = source;
  EAGER_ZLIB.forEach((line, i) => {
    if (patched.split('\n').filter((candidate) => candidate === line).length !== 1) {
      throw new Error(`${path} no longer has the line ${JSON.stringify(line)}; review lib/lazyZlibCrc32.ts for this SDK version`);
    }
    patched = patched.replace(line, LAZY_ZLIB[i]!);
  });
  return patched;
}

/** An esbuild plugin that loads `@smithy/core`'s `Crc32Node.js` through `lazyZlibCrc32`. */
export const lazyZlibCrc32Plugin: Plugin = {
  name: 'lazy-zlib-crc32',
  setup(build) {
    build.onLoad({ filter: CRC32_NODE_MODULE }, async ({ path }) => ({ contents: lazyZlibCrc32(await readFile(path, 'utf8'), path), loader: 'js' }));
  },
};
