import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bundleHandler } from '../../lib/bundleHandler.js';
import { PROJECT_ROOT } from '../../lib/PipelineFunction.js';
import { BUNDLE_ENTRY_FILE } from '../../lib/pipelineEsbuildOptions.js';

/** The bundle's files the entry file loads, following `import … from`, bare `import` and `import()` of its own files. */
function filesLoadedFrom(dir: string, file: string, loaded = new Set<string>()): Set<string> {
  if (loaded.has(file)) return loaded;
  loaded.add(file);
  for (const [, imported] of readFileSync(join(dir, file), 'utf8').matchAll(/(?:\bfrom|\bimport\(?)\s*["']\.\/([^"']+)["']/g)) filesLoadedFrom(dir, imported!, loaded);
  return loaded;
}

describe('bundleHandler', () => {
  it('writes only what the entry file loads: every chunk is imported by it or by a chunk it loads, each with its map', async () => {
    const outdir = mkdtempSync(join(tmpdir(), 'bundle-handler-'));
    // An S3 function: the SDK's browser user-agent parser is an import() target that tree shaking leaves unreached.
    const metafile = await bundleHandler(join(PROJECT_ROOT, 'lambdas', 'get-upload', 'handler.ts'), outdir);

    const code = readdirSync(outdir).filter((name) => name.endsWith('.mjs'));
    expect(code.length).toBeGreaterThan(1);
    expect([...filesLoadedFrom(outdir, BUNDLE_ENTRY_FILE)].sort()).toEqual(code.sort());
    expect(readdirSync(outdir).sort()).toEqual(code.flatMap((name) => [name, `${name}.map`]).sort());
    // The metafile describes the files written, so the bench counts the bytes that ship.
    expect(Object.keys(metafile.outputs).map((path) => path.split('/').pop()).sort()).toEqual(readdirSync(outdir).sort());
  });
});
