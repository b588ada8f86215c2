import { join } from 'node:path';
import { AssetHashType, DockerImage, RemovalPolicy } from 'aws-cdk-lib';
import { Architecture, Code, LayerVersion } from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { assembleFfmpegLayer, LAYER_BIN_DIR } from '../layers/ffmpeg/assembleFfmpegLayer.js';
import { buildFfmpeg, canBuildFfmpegHere, ffmpegBuildKey, ffmpegBuildVersion, findFfmpegBuild, type LayerArchitecture } from '../layers/ffmpeg/ffmpegBuild.js';
import { PIPELINE_RUNTIME, PROJECT_ROOT } from './PipelineFunction.js';

/** Where the layer puts the binaries; the process function's `FFMPEG_PATH`/`FFPROBE_PATH` defaults. */
export const LAYER_FFMPEG_PATH = `${LAYER_BIN_DIR}/ffmpeg`;
export const LAYER_FFPROBE_PATH = `${LAYER_BIN_DIR}/ffprobe`;

/** Debian bookworm: the release whose static libraries build.sh links, for the Docker path. */
const DOCKER_BUILD_IMAGE = 'public.ecr.aws/docker/library/debian:bookworm';

export interface FfmpegLayerProps {
  /**
   * The architecture of the binaries, and of the functions that may use the layer.
   * @default Architecture.ARM_64
   */
  readonly architecture?: Architecture;
  /**
   * What happens to published layer versions when they leave the stack.
   * @default RemovalPolicy.RETAIN - functions deployed elsewhere may still use them
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * A Lambda layer with one static FFmpeg 7.1 build, `ffmpeg` and `ffprobe` in `/opt/bin`, for
 * one architecture, built by `layers/ffmpeg/build.sh` (see docs/processing.md). At synth time
 * the bundling step takes the build from the machine's cache (`npm run build:ffmpeg` made it);
 * without one it runs build.sh where the Debian tools are installed (a few minutes), and
 * otherwise CDK runs the same script in a Debian container (Docker). The asset hash is
 * build.sh's own hash and the architecture, so a synth never hashes the binaries and the layer
 * is republished only when the script (version, flags) changes.
 *
 * The build links x264, so the layer is GPL-2.0-or-later; it ships NOTICE.txt with the
 * corresponding source and the licences.
 */
export class FfmpegLayer extends Construct {
  readonly layer: LayerVersion;
  readonly architecture: Architecture;

  constructor(scope: Construct, id: string, props: FfmpegLayerProps = {}) {
    super(scope, id);
    this.architecture = props.architecture ?? Architecture.ARM_64;
    const arch = layerArchitecture(this.architecture);
    const key = ffmpegBuildKey();

    this.layer = new LayerVersion(this, 'Layer', {
      code: Code.fromAsset(join(PROJECT_ROOT, 'layers', 'ffmpeg'), {
        assetHashType: AssetHashType.CUSTOM,
        assetHash: `ffmpeg-layer-v2:${key}:${arch}`,
        bundling: {
          image: DockerImage.fromRegistry(DOCKER_BUILD_IMAGE),
          user: 'root',
          environment: { MEDIA_PIPELINE_FFMPEG_CACHE: '/tmp/ffmpeg-cache' },
          command: ['bash', '-c', `bash /asset-input/build.sh --install-deps ${arch} && cp -r /tmp/ffmpeg-cache/${key}-${arch}/. /asset-output/`],
          local: {
            tryBundle(outputDir) {
              const build = findFfmpegBuild(arch) ?? (canBuildFfmpegHere(arch) ? buildFfmpeg(arch) : undefined);
              if (!build) return false;
              assembleFfmpegLayer(outputDir, build.dir, arch);
              return true;
            },
          },
        },
      }),
      compatibleArchitectures: [this.architecture],
      compatibleRuntimes: [PIPELINE_RUNTIME],
      license: 'GPL-2.0-or-later',
      description: `FFmpeg ${ffmpegBuildVersion()} (static, ${arch}, build ${key}): ffmpeg and ffprobe in /opt/bin; GPL-2.0-or-later, see NOTICE.txt`,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    });
  }
}

/** The build.sh name of a Lambda architecture; throws for one the layer is not built for. */
export function layerArchitecture(architecture: Architecture): LayerArchitecture {
  if (architecture.name === Architecture.ARM_64.name) return 'arm64';
  if (architecture.name === Architecture.X86_64.name) return 'x86_64';
  throw new Error(`The ffmpeg layer is built for arm64 and x86_64, not ${architecture.name}`);
}
