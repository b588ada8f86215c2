import { chmodSync, copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type FfmpegBinary, ffmpegBinaries } from './ffmpegBinaries.js';

/** Where Lambda mounts a layer's `bin/`: the layer's binaries are `/opt/bin/ffmpeg` and `/opt/bin/ffprobe`. */
export const LAYER_BIN_DIR = '/opt/bin';

/**
 * Lays out the layer's content in `outputDir`: `bin/ffmpeg`, `bin/ffprobe` (copied from the
 * npm packages, executable) and a `NOTICE.txt` with their licence and where their source is.
 * Nothing is downloaded: the binaries are whatever `npm ci` installed.
 */
export function assembleFfmpegLayer(outputDir: string, binaries: readonly FfmpegBinary[] = ffmpegBinaries()): void {
  const bin = join(outputDir, 'bin');
  mkdirSync(bin, { recursive: true });
  for (const binary of binaries) {
    if (!existsSync(binary.path)) {
      throw new Error(`${binary.path} is missing: install the dev dependencies (npm ci) before synthesizing the ffmpeg layer`);
    }
    const target = join(bin, binary.name);
    copyFileSync(binary.path, target);
    chmodSync(target, 0o755);
  }
  writeFileSync(join(outputDir, 'NOTICE.txt'), layerNotice(binaries));
}

export function layerNotice(binaries: readonly FfmpegBinary[]): string {
  const lines = binaries.map(
    (b) => `- bin/${b.name}: FFmpeg build ${b.build}, from the npm package ${b.packageName}@${b.packageVersion}`,
  );
  return [
    'This layer contains static builds of FFmpeg (https://ffmpeg.org) made by John Van Sickle',
    '(https://johnvansickle.com/ffmpeg/), configured with --enable-gpl --enable-version3 and',
    'linked with GPL libraries (x264, x265, among others). They are licensed under the',
    'GNU General Public License version 3 (https://www.gnu.org/licenses/gpl-3.0.html).',
    '',
    ...lines,
    '',
    'Corresponding source: the FFmpeg git commits named above (https://git.ffmpeg.org/ffmpeg.git)',
    'and the library sources listed on https://johnvansickle.com/ffmpeg/.',
    '',
  ].join('\n');
}
