import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AssetStaging, Stage } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { PipelineFunction, PROJECT_ROOT } from '../../lib/PipelineFunction.js';
import { bundleHandler } from '../../lib/bundleHandler.js';
import { BUNDLE_ENTRY_FILE } from '../../lib/pipelineEsbuildOptions.js';
import { folderFiles } from '../support/folderFiles.js';
import { testStack } from './testApp.js';

describe('pipelineEsbuildOptions', () => {
  it('produces byte for byte the bundle a PipelineFunction deploys, entry file, chunks and maps', async () => {
    const stack = testStack({ bundle: true });
    const fn = new PipelineFunction(stack, 'Fn', { handlerDir: 'get-upload' });
    Stage.of(stack)!.synth();
    const staging = fn.function.node.findAll().find((child): child is AssetStaging => child instanceof AssetStaging);
    const deployed = folderFiles(staging!.absoluteStagedPath);

    const outdir = mkdtempSync(join(tmpdir(), 'pipeline-esbuild-'));
    await bundleHandler(join(PROJECT_ROOT, 'lambdas', 'get-upload', 'handler.ts'), outdir);

    expect(folderFiles(outdir)).toEqual(deployed);
    expect(deployed[BUNDLE_ENTRY_FILE]!.length).toBeGreaterThan(0);
    // The SDK's import()s make chunks of their own, each with its map.
    expect(Object.keys(deployed).filter((name) => /^chunk-\w+\.mjs$/.test(name)).length).toBeGreaterThan(0);
    for (const name of Object.keys(deployed).filter((file) => file.endsWith('.mjs'))) expect(deployed).toHaveProperty([`${name}.map`]);
  });
});
