import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);

/** One static binary the layer ships, and the npm package it comes from. */
export interface FfmpegBinary {
  readonly name: 'ffmpeg' | 'ffprobe';
  /** Where npm installed it. */
  readonly path: string;
  readonly packageName: string;
  readonly packageVersion: string;
  /** The upstream build the package wraps (johnvansickle.com static builds, git snapshot date and commit). */
  readonly build: string;
}

function fromPackage(name: FfmpegBinary['name'], packageName: string): FfmpegBinary {
  const manifestPath = require.resolve(`${packageName}/package.json`);
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as Record<string, string>;
  return {
    name,
    path: join(dirname(manifestPath), name),
    packageName,
    packageVersion: manifest.version ?? 'unknown',
    build: manifest[name] ?? 'unknown',
  };
}

/**
 * The x86_64 static ffmpeg and ffprobe from npm (dev dependencies, pinned in the lockfile):
 * `@ffmpeg-installer/linux-x64` 4.1.0 is ffmpeg N-47683 (git 2018-12-10, 0e8eb07980) and
 * `@ffprobe-installer/linux-x64` 5.2.0 is ffprobe N-66595 (git 2023-07-21, c2b3861), both
 * built by John Van Sickle with `--enable-gpl --enable-version3`, so GPLv3.
 */
export function ffmpegBinaries(): readonly FfmpegBinary[] {
  return [fromPackage('ffmpeg', '@ffmpeg-installer/linux-x64'), fromPackage('ffprobe', '@ffprobe-installer/linux-x64')];
}
