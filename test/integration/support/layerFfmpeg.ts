import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findFfmpegBuild, type LayerArchitecture } from '../../../layers/ffmpeg/ffmpegBuild.js';

/** The layer's binaries as this machine can run them. */
export interface LayerFfmpeg {
  readonly arch: LayerArchitecture;
  /** Commands to run: the binaries themselves, or wrappers that run them under qemu. */
  readonly ffmpeg: string;
  readonly ffprobe: string;
  /** Whether they run under qemu-user (so their speed says nothing about Lambda's). */
  readonly emulated: boolean;
  /** The first line of `ffmpeg -version`. */
  readonly version: string;
}

const QEMU: Readonly<Record<LayerArchitecture, string>> = { x86_64: '/usr/bin/qemu-x86_64-static', arm64: '/usr/bin/qemu-aarch64-static' };
const NATIVE: Partial<Record<string, LayerArchitecture>> = { x64: 'x86_64', arm64: 'arm64' };

/**
 * The exact binaries the layer for `arch` ships (layers/ffmpeg/build.sh's cached build), run
 * natively or, for the other architecture, through qemu-user-static wrappers. Returns a reason
 * instead when the build or the emulator is missing.
 */
export function layerFfmpeg(arch: LayerArchitecture): LayerFfmpeg | { readonly missing: string } {
  const build = findFfmpegBuild(arch);
  if (!build) return { missing: `the layer's ${arch} build is missing (npm run build:ffmpeg)` };
  const emulated = NATIVE[process.arch] !== arch;
  if (emulated && !existsSync(QEMU[arch])) return { missing: `${QEMU[arch]} is missing (apt-get install qemu-user-static)` };
  const [ffmpeg, ffprobe] = emulated ? emulatorWrappers(arch, [build.ffmpeg, build.ffprobe]) : [build.ffmpeg, build.ffprobe];
  const version = execFileSync(ffmpeg as string, ['-version'], { encoding: 'utf8' }).split('\n', 1)[0] ?? '';
  return { arch, ffmpeg: ffmpeg as string, ffprobe: ffprobe as string, emulated, version };
}

/**
 * The processors take one command per tool (FFMPEG_PATH), so a foreign binary gets a script
 * that execs qemu with it: signals and exit statuses pass through unchanged.
 */
function emulatorWrappers(arch: LayerArchitecture, binaries: readonly string[]): string[] {
  const dir = mkdtempSync(join(tmpdir(), `layer-ffmpeg-${arch}-`));
  return binaries.map((binary) => {
    const wrapper = join(dir, binary.slice(binary.lastIndexOf('/') + 1));
    writeFileSync(wrapper, `#!/bin/sh\nexec ${QEMU[arch]} ${binary} "$@"\n`);
    chmodSync(wrapper, 0o755);
    return wrapper;
  });
}
