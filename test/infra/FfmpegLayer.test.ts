import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import { Architecture } from 'aws-cdk-lib/aws-lambda';
import type { Asset } from 'aws-cdk-lib/aws-s3-assets';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { elfArchitecture, ffmpegBuildKey } from '../../layers/ffmpeg/ffmpegBuild.js';
import { FfmpegLayer, layerArchitecture } from '../../lib/FfmpegLayer.js';
import { fakeBuild } from '../unit/layers/ffmpeg/fakeBuild.js';
import { testStack } from './testApp.js';

describe('FfmpegLayer', () => {
  let cache: string;
  const previousCache = process.env.MEDIA_PIPELINE_FFMPEG_CACHE;
  beforeEach(async () => {
    cache = await mkdtemp(join(tmpdir(), 'ffmpeg-cache-'));
    process.env.MEDIA_PIPELINE_FFMPEG_CACHE = cache;
  });
  afterEach(async () => {
    if (previousCache === undefined) delete process.env.MEDIA_PIPELINE_FFMPEG_CACHE;
    else process.env.MEDIA_PIPELINE_FFMPEG_CACHE = previousCache;
    await rm(cache, { recursive: true, force: true });
  });

  it('publishes an arm64 layer by default for the pipeline runtime, naming the release, the build and the GPL', () => {
    const stack = testStack();
    new FfmpegLayer(stack, 'Ffmpeg');
    Template.fromStack(stack).hasResourceProperties('AWS::Lambda::LayerVersion', {
      CompatibleArchitectures: ['arm64'],
      CompatibleRuntimes: ['nodejs24.x'],
      LicenseInfo: 'GPL-2.0-or-later',
      Description: `FFmpeg 7.1.5 (static, arm64, build ${ffmpegBuildKey()}): ffmpeg and ffprobe in /opt/bin; GPL-2.0-or-later, see NOTICE.txt`,
    });
  });

  it('publishes an x86_64 layer when asked', () => {
    const stack = testStack();
    new FfmpegLayer(stack, 'Ffmpeg', { architecture: Architecture.X86_64 });
    Template.fromStack(stack).hasResourceProperties('AWS::Lambda::LayerVersion', { CompatibleArchitectures: ['x86_64'] });
  });

  it('has no layer for an architecture build.sh does not build', () => {
    expect(() => layerArchitecture(Architecture.custom('riscv64'))).toThrow('The ffmpeg layer is built for arm64 and x86_64, not riscv64');
  });

  it('assembles the cached build of its architecture into the asset when synthesized, without building', async () => {
    await fakeBuild(join(cache, `${ffmpegBuildKey()}-arm64`), 'arm64');
    await fakeBuild(join(cache, `${ffmpegBuildKey()}-x86_64`), 'x86_64');
    const stack = testStack({ bundle: true });
    const { layer } = new FfmpegLayer(stack, 'Ffmpeg');
    const assembly = stack.node.root as unknown as { synth(): { directory: string } };
    const { directory } = assembly.synth();
    const content = join(directory, (layer.node.findChild('Code') as Asset).assetPath);

    for (const tool of ['ffmpeg', 'ffprobe']) {
      expect((await stat(join(content, 'bin', tool))).mode & 0o755).toBe(0o755);
      expect(elfArchitecture(join(content, 'bin', tool))).toBe('arm64');
    }
    expect(await readFile(join(content, 'NOTICE.txt'), 'utf8')).toContain('GPL-2.0-or-later');
    expect(JSON.parse(await readFile(join(content, 'build.json'), 'utf8'))).toMatchObject({ arch: 'arm64' });
  });

  it('fails synth naming the binary when the cached build is of the wrong architecture', async () => {
    await fakeBuild(join(cache, `${ffmpegBuildKey()}-arm64`), 'arm64', 'x86_64');
    const stack = testStack({ bundle: true });
    expect(() => new FfmpegLayer(stack, 'Ffmpeg')).toThrow(/The ffmpeg layer for arm64 got .*bin\/ffmpeg, which is built for x86_64/);
  });
});
