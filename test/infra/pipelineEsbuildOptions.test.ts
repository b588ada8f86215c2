import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AssetStaging, Stage } from 'aws-cdk-lib';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { PipelineFunction, PROJECT_ROOT } from '../../lib/PipelineFunction.js';
import { pipelineEsbuildOptions } from '../../lib/pipelineEsbuildOptions.js';
import { testStack } from './testApp.js';

describe('pipelineEsbuildOptions', () => {
  it('produces byte for byte the bundle a PipelineFunction deploys', async () => {
    const stack = testStack({ bundle: true });
    const fn = new PipelineFunction(stack, 'Fn', { handlerDir: 'get-upload' });
    Stage.of(stack)!.synth();
    const staging = fn.function.node.findAll().find((child): child is AssetStaging => child instanceof AssetStaging);
    const deployed = readFileSync(join(staging!.absoluteStagedPath, 'index.mjs'));

    const outdir = mkdtempSync(join(tmpdir(), 'pipeline-esbuild-'));
    const options = pipelineEsbuildOptions(join(PROJECT_ROOT, 'lambdas', 'get-upload', 'handler.ts'), outdir);
    await build({ ...options, logLevel: 'silent' });

    expect(readFileSync(options.outfile).equals(deployed)).toBe(true);
    expect(deployed.length).toBeGreaterThan(0);
  });
});
