import { cpSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { elfArchitecture, type LayerArchitecture } from './ffmpegBuild.js';

/** Where Lambda mounts a layer's `bin/`: the layer's binaries are `/opt/bin/ffmpeg` and `/opt/bin/ffprobe`. */
export const LAYER_BIN_DIR = '/opt/bin';

/**
 * Lays out the layer's content in `outputDir` from a build folder (build.sh's output:
 * `bin/ffmpeg`, `bin/ffprobe`, `NOTICE.txt`, `licenses/`, `build.json`), after checking that
 * both binaries are there and built for `arch`: a layer of the wrong architecture would deploy
 * and then fail every upload with "exec format error".
 */
export function assembleFfmpegLayer(outputDir: string, buildDir: string, arch: LayerArchitecture): void {
  for (const tool of ['ffmpeg', 'ffprobe']) {
    const path = join(buildDir, 'bin', tool);
    if (!existsSync(path)) throw new Error(`The ffmpeg layer for ${arch} needs ${path}, which is missing`);
    const found = elfArchitecture(path);
    if (found !== arch) {
      throw new Error(`The ffmpeg layer for ${arch} got ${path}, which is ${found === undefined ? 'not a Linux executable' : `built for ${found}`}`);
    }
  }
  if (!existsSync(join(buildDir, 'NOTICE.txt'))) throw new Error(`The ffmpeg layer needs its licence notice, ${join(buildDir, 'NOTICE.txt')}, which is missing`);
  cpSync(buildDir, outputDir, { recursive: true });
}
