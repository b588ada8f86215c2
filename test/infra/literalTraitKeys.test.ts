import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build, type Plugin } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { literalTraitKeys, literalTraitKeysPlugin } from '../../lib/literalTraitKeys.js';
import { PROJECT_ROOT } from '../../lib/PipelineFunction.js';

const require = createRequire(join(PROJECT_ROOT, 'package.json'));
const dependencies = Object.keys((JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string> }).dependencies);
const sdkClients = dependencies.filter((name) => name.startsWith('@aws-sdk/client-'));
const schemaModule = (client: string) => join(dirname(require.resolve(`${client}/package.json`)), 'dist-es', 'schemas', 'schemas_0.js');

/** The schema module's exports, bundled with or without the plugin and loaded. */
async function schemaExports(client: string, plugins: Plugin[]): Promise<Record<string, unknown>> {
  const dir = mkdtempSync(join(tmpdir(), 'literal-trait-keys-'));
  const result = await build({
    stdin: { contents: `export * from ${JSON.stringify(schemaModule(client))};`, resolveDir: PROJECT_ROOT },
    bundle: true,
    platform: 'node',
    format: 'esm',
    mainFields: ['module', 'main'],
    write: false,
    logLevel: 'silent',
    plugins,
  });
  const file = join(dir, 'schemas.mjs');
  writeFileSync(file, result.outputFiles[0]!.text);
  return (await import(pathToFileURL(file).href)) as Record<string, unknown>;
}

/** Schemas are arrays of strings, numbers, trait objects and thunks; functions compare by name. */
const comparable = (value: unknown) => JSON.stringify(value, (_key, v: unknown) => (typeof v === 'function' ? `[function ${v.name}]` : v));

describe('literalTraitKeys', () => {
  it("writes a computed key that names one of the module's string constants as that string", () => {
    const source = 'const _e = "error";\nconst _hE = "httpError";\nexport var E$ = [-3, n0, _E, { [_e]: _c, [_hE]: 400 }, [_M], [0]];\n';
    expect(literalTraitKeys(source)).toBe('const _e = "error";\nconst _hE = "httpError";\nexport var E$ = [-3, n0, _E, { "error": _c, "httpError": 400 }, [_M], [0]];\n');
  });

  it('leaves a key whose name is no string constant of the module, and everything that is not a key', () => {
    const source = 'const _n = 5;\nconst _s = "s";\nx = { [_n]: 1, [_other]: 2, a: [_s] };\n';
    expect(literalTraitKeys(source)).toBe(source);
  });

  it.each(sdkClients)('leaves no computed key in the schemas of %s, and every exported schema equal', async (client) => {
    const rewritten = literalTraitKeys(readFileSync(schemaModule(client), 'utf8'));
    expect(rewritten.match(/\[_\w+\]:/g) ?? []).toEqual([]);

    const [original, literal] = await Promise.all([schemaExports(client, []), schemaExports(client, [literalTraitKeysPlugin])]);
    expect(Object.keys(literal).sort()).toEqual(Object.keys(original).sort());
    for (const name of Object.keys(original)) expect(comparable(literal[name]), name).toBe(comparable(original[name]));
  });

  it('lets esbuild drop the schemas a function does not use: one MediaConvert command no longer carries them all', async () => {
    const schemaBytes = async (plugins: Plugin[]) => {
      const result = await build({
        stdin: { contents: "export { CancelJobCommand, MediaConvertClient } from '@aws-sdk/client-mediaconvert';", resolveDir: PROJECT_ROOT },
        bundle: true,
        platform: 'node',
        format: 'esm',
        mainFields: ['module', 'main'],
        minify: true,
        write: false,
        metafile: true,
        logLevel: 'silent',
        plugins,
      });
      const inputs = Object.values(result.metafile.outputs)[0]!.inputs;
      return Object.entries(inputs).find(([path]) => path.endsWith('client-mediaconvert/dist-es/schemas/schemas_0.js'))![1].bytesInOutput;
    };
    const [all, used] = await Promise.all([schemaBytes([]), schemaBytes([literalTraitKeysPlugin])]);
    expect(all).toBeGreaterThan(50_000);
    expect(used).toBeLessThan(all / 10);
  });
});
