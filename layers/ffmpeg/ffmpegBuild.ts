import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { accessSync, constants, existsSync, openSync, readFileSync, readSync, closeSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The architectures the layer is built for, named as Lambda names them. */
export type LayerArchitecture = 'x86_64' | 'arm64';

export const LAYER_ARCHITECTURES: readonly LayerArchitecture[] = ['x86_64', 'arm64'];

/** The script that builds the binaries; its content is the cache key. */
export const FFMPEG_BUILD_SCRIPT = join(dirname(fileURLToPath(import.meta.url)), 'build.sh');

/** What build.sh records beside the binaries (`build.json`). */
export interface FfmpegBuildManifest {
  readonly ffmpeg: string;
  readonly arch: LayerArchitecture;
  readonly key: string;
  readonly libraries: readonly string[];
  readonly configure: string;
  readonly bytes: { readonly ffmpeg: number; readonly ffprobe: number };
}

/** A finished build: the folder that becomes the layer (`bin/`, `NOTICE.txt`, `licenses/`, `build.json`). */
export interface FfmpegBuild {
  readonly arch: LayerArchitecture;
  readonly dir: string;
  readonly ffmpeg: string;
  readonly ffprobe: string;
  readonly manifest: FfmpegBuildManifest;
}

/** The first 16 hex digits of build.sh's sha256, as the script computes its own key. */
export function ffmpegBuildKey(): string {
  return createHash('sha256').update(readFileSync(FFMPEG_BUILD_SCRIPT)).digest('hex').slice(0, 16);
}

/** The FFmpeg release build.sh pins (its `FFMPEG_VERSION=`). */
export function ffmpegBuildVersion(): string {
  const version = /^FFMPEG_VERSION=(\S+)$/m.exec(readFileSync(FFMPEG_BUILD_SCRIPT, 'utf8'))?.[1];
  if (!version) throw new Error(`${FFMPEG_BUILD_SCRIPT} pins no FFMPEG_VERSION`);
  return version;
}

/** Where build.sh keeps builds: `$MEDIA_PIPELINE_FFMPEG_CACHE`, else `$XDG_CACHE_HOME` or `~/.cache`, `/media-pipeline/ffmpeg`. */
export function ffmpegCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.MEDIA_PIPELINE_FFMPEG_CACHE ?? join(env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'media-pipeline', 'ffmpeg');
}

/** The build of the current build.sh for `arch`, or undefined when it has not been built on this machine. */
export function findFfmpegBuild(arch: LayerArchitecture, env: NodeJS.ProcessEnv = process.env): FfmpegBuild | undefined {
  const dir = join(ffmpegCacheDir(env), `${ffmpegBuildKey()}-${arch}`);
  const ffmpeg = join(dir, 'bin', 'ffmpeg');
  const ffprobe = join(dir, 'bin', 'ffprobe');
  if (!isExecutable(ffmpeg) || !isExecutable(ffprobe) || !existsSync(join(dir, 'build.json'))) return undefined;
  const manifest = JSON.parse(readFileSync(join(dir, 'build.json'), 'utf8')) as FfmpegBuildManifest;
  return { arch, dir, ffmpeg, ffprobe, manifest };
}

/**
 * Whether build.sh can run here without installing anything: Linux with the compilers and
 * the static libraries' pkg-config files for `arch` (what `build.sh --install-deps` installs).
 */
export function canBuildFfmpegHere(arch: LayerArchitecture): boolean {
  if (process.platform !== 'linux') return false;
  const triplet = arch === 'arm64' ? 'aarch64-linux-gnu' : 'x86_64-linux-gnu';
  const tools = ['bash', 'make', 'nasm', 'pkg-config', 'apt-get', arch === 'arm64' ? 'aarch64-linux-gnu-gcc' : 'gcc'];
  return tools.every(onPath) && existsSync(`/usr/lib/${triplet}/pkgconfig/x264.pc`) && existsSync(`/usr/lib/${triplet}/libx264.a`);
}

/** Runs build.sh for `arch` (minutes the first time; nothing when already built) and returns the build. */
export function buildFfmpeg(arch: LayerArchitecture): FfmpegBuild {
  const result = spawnSync('bash', [FFMPEG_BUILD_SCRIPT, arch], { stdio: ['ignore', 'inherit', 'inherit'] });
  const build = result.status === 0 ? findFfmpegBuild(arch) : undefined;
  if (!build) throw new Error(`Building the ffmpeg layer for ${arch} failed (bash ${FFMPEG_BUILD_SCRIPT} ${arch} exited ${result.status ?? result.signal})`);
  return build;
}

const ELF_MACHINES: Readonly<Record<number, LayerArchitecture>> = { 0x3e: 'x86_64', 0xb7: 'arm64' };

/** The architecture an ELF executable is built for, read from its header; undefined for anything else. */
export function elfArchitecture(path: string): LayerArchitecture | undefined {
  const header = Buffer.alloc(20);
  const fd = openSync(path, 'r');
  try {
    if (readSync(fd, header, 0, header.length, 0) < header.length) return undefined;
  } finally {
    closeSync(fd);
  }
  if (header.readUInt32BE(0) !== 0x7f454c46) return undefined;
  return ELF_MACHINES[header.readUInt16LE(18)];
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function onPath(command: string): boolean {
  return (process.env.PATH ?? '').split(delimiter).some((dir) => dir !== '' && isExecutable(join(dir, command)));
}
