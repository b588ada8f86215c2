import { join } from 'node:path';
import { AssetHashType, DockerImage, RemovalPolicy } from 'aws-cdk-lib';
import { Architecture, Code, LayerVersion } from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { assembleFfmpegLayer, LAYER_BIN_DIR } from '../layers/ffmpeg/assembleFfmpegLayer.js';
import { ffmpegBinaries } from '../layers/ffmpeg/ffmpegBinaries.js';
import { PIPELINE_RUNTIME, PROJECT_ROOT } from './PipelineFunction.js';

/** Where the layer puts the binaries; the process function's `FFMPEG_PATH`/`FFPROBE_PATH` defaults. */
export const LAYER_FFMPEG_PATH = `${LAYER_BIN_DIR}/ffmpeg`;
export const LAYER_FFPROBE_PATH = `${LAYER_BIN_DIR}/ffprobe`;

export interface FfmpegLayerProps {
  /**
   * What happens to published layer versions when they leave the stack.
   * @default RemovalPolicy.RETAIN - functions deployed elsewhere may still use them
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * A Lambda layer (x86_64) with static ffmpeg and ffprobe in `/opt/bin`, assembled at synth time
 * from the pinned npm packages `@ffmpeg-installer/linux-x64` and `@ffprobe-installer/linux-x64`
 * (see `layers/ffmpeg/README.md`). The builds are GPLv3; the layer says so in its licence field
 * and ships a NOTICE with the corresponding source. The asset hash is the package versions, so
 * a synth does not hash 147 MB and the layer changes only when a version does.
 */
export class FfmpegLayer extends Construct {
  readonly layer: LayerVersion;

  constructor(scope: Construct, id: string, props: FfmpegLayerProps = {}) {
    super(scope, id);
    const binaries = ffmpegBinaries();
    const versions = binaries.map((b) => `${b.name} ${b.build} (${b.packageName}@${b.packageVersion})`).join(', ');

    this.layer = new LayerVersion(this, 'Layer', {
      code: Code.fromAsset(join(PROJECT_ROOT, 'layers', 'ffmpeg'), {
        assetHashType: AssetHashType.CUSTOM,
        assetHash: `ffmpeg-layer-v1:${binaries.map((b) => `${b.packageName}@${b.packageVersion}`).join(',')}`,
        bundling: {
          // Never pulled: local bundling below always succeeds (or throws), so Docker is not needed.
          image: DockerImage.fromRegistry('public.ecr.aws/docker/library/busybox:stable'),
          local: {
            tryBundle(outputDir) {
              assembleFfmpegLayer(outputDir, binaries);
              return true;
            },
          },
        },
      }),
      compatibleArchitectures: [Architecture.X86_64],
      compatibleRuntimes: [PIPELINE_RUNTIME],
      license: 'GPL-3.0-or-later',
      description: `Static ${versions} in /opt/bin; GPLv3, see NOTICE.txt`.slice(0, 256),
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    });
  }
}
