import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import type { Asset } from 'aws-cdk-lib/aws-s3-assets';
import { describe, expect, it } from 'vitest';
import { ffmpegBinaries } from '../../layers/ffmpeg/ffmpegBinaries.js';
import { FfmpegLayer } from '../../lib/FfmpegLayer.js';
import { testStack } from './testApp.js';

const sha256 = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

describe('FfmpegLayer', () => {
  it('publishes an x86_64 layer for the pipeline runtime, stating the builds and their GPL licence', () => {
    const stack = testStack();
    new FfmpegLayer(stack, 'Ffmpeg');
    Template.fromStack(stack).hasResourceProperties('AWS::Lambda::LayerVersion', {
      CompatibleArchitectures: ['x86_64'],
      CompatibleRuntimes: ['nodejs24.x'],
      LicenseInfo: 'GPL-3.0-or-later',
      Description:
        'Static ffmpeg 20181210-g0e8eb07980 (@ffmpeg-installer/linux-x64@4.1.0), ffprobe 20230721-c2b3861 (@ffprobe-installer/linux-x64@5.2.0) in /opt/bin; GPLv3, see NOTICE.txt',
    });
  });

  it('assembles bin/ffmpeg and bin/ffprobe from the npm packages, executable, with a NOTICE, when synthesized', () => {
    const stack = testStack({ bundle: true });
    const { layer } = new FfmpegLayer(stack, 'Ffmpeg');
    const assembly = stack.node.root as unknown as { synth(): { directory: string } };
    const { directory } = assembly.synth();
    const asset = layer.node.findChild('Code') as Asset;
    const content = join(directory, asset.assetPath);

    for (const binary of ffmpegBinaries()) {
      const copied = join(content, 'bin', binary.name);
      expect(statSync(copied).mode & 0o755).toBe(0o755);
      expect(sha256(copied)).toBe(sha256(binary.path));
    }
    const notice = readFileSync(join(content, 'NOTICE.txt'), 'utf8');
    expect(notice).toContain('GNU General Public License version 3');
    expect(notice).toContain('bin/ffmpeg: FFmpeg build 20181210-g0e8eb07980, from the npm package @ffmpeg-installer/linux-x64@4.1.0');
  });
});
