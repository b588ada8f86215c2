import { spawnSync } from 'node:child_process';
import { findFfmpegBuild, type LayerArchitecture } from '../layers/ffmpeg/ffmpegBuild.js';

/** The ffmpeg and ffprobe local mode's process function runs, and where they came from. */
export interface LocalFfmpeg {
  readonly ffmpeg: string;
  readonly ffprobe: string;
  /** Why these: set in the environment, the layer's own build, or the PATH's. */
  readonly source: string;
  /** The first line of `ffmpeg -version` ("ffmpeg version 7.1.5-…"). */
  readonly version: string;
}

/** What a machine without any ffmpeg runs to get one. */
export const FFMPEG_FIX = 'npm run build:ffmpeg (the layer build, on Debian; or apt-get install ffmpeg)';

const HOST_ARCHITECTURES: Partial<Record<string, LayerArchitecture>> = { x64: 'x86_64', arm64: 'arm64' };

/**
 * Picks the binaries, in this order, so local mode runs what the stack deploys wherever it can:
 * 1. `FFMPEG_PATH`/`FFPROBE_PATH` as the shell sets them (either may be left to the PATH);
 * 2. the layer's build for this machine's architecture, when `npm run build:ffmpeg` made one;
 * 3. ffmpeg and ffprobe on the PATH.
 * When the chosen pair does not run, `problem` says which and from where.
 */
export function resolveLocalFfmpeg(env: NodeJS.ProcessEnv = process.env): LocalFfmpeg | { readonly problem: string } {
  if (env.FFMPEG_PATH || env.FFPROBE_PATH) {
    return check(env.FFMPEG_PATH || 'ffmpeg', env.FFPROBE_PATH || 'ffprobe', 'FFMPEG_PATH/FFPROBE_PATH');
  }
  const arch = process.platform === 'linux' ? HOST_ARCHITECTURES[process.arch] : undefined;
  const build = arch === undefined ? undefined : findFfmpegBuild(arch, env);
  if (build) return check(build.ffmpeg, build.ffprobe, `the layer's ${build.arch} build, as deployed`);
  return check('ffmpeg', 'ffprobe', 'the PATH (not the layer build: npm run build:ffmpeg makes it)');
}

function check(ffmpeg: string, ffprobe: string, source: string): LocalFfmpeg | { readonly problem: string } {
  const ffmpegVersion = versionLine(ffmpeg);
  const ffprobeVersion = versionLine(ffprobe);
  if (ffmpegVersion === undefined || ffprobeVersion === undefined) {
    const missing = [ffmpegVersion === undefined ? ffmpeg : undefined, ffprobeVersion === undefined ? ffprobe : undefined].filter(Boolean);
    return { problem: `${missing.join(' and ')} from ${source} did not run` };
  }
  return { ffmpeg, ffprobe, source, version: ffmpegVersion };
}

function versionLine(binary: string): string | undefined {
  const result = spawnSync(binary, ['-version'], { encoding: 'utf8', timeout: 10_000 });
  if (result.status !== 0) return undefined;
  return result.stdout.split('\n', 1)[0]?.replace(/\s+Copyright.*$/, '').trim();
}
