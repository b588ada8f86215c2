import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  elfArchitecture,
  FFMPEG_BUILD_SCRIPT,
  ffmpegBuildKey,
  ffmpegBuildVersion,
  ffmpegCacheDir,
  findFfmpegBuild,
} from '../../../../layers/ffmpeg/ffmpegBuild.js';
import { fakeBuild, fakeElf } from './fakeBuild.js';

describe('ffmpegBuild', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ffmpeg-cache-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('keys builds by build.sh itself, as the script keys its own output', async () => {
    const script = await readFile(FFMPEG_BUILD_SCRIPT);
    expect(ffmpegBuildKey()).toBe(createHash('sha256').update(script).digest('hex').slice(0, 16));
    expect(script.toString()).toContain('key="$(sha256sum "${BASH_SOURCE[0]}" | cut -c1-16)"');
  });

  it('reads the pinned FFmpeg release from build.sh', () => {
    expect(ffmpegBuildVersion()).toMatch(/^7\.\d+\.\d+$/);
  });

  it('keeps builds in MEDIA_PIPELINE_FFMPEG_CACHE, else the XDG cache, else ~/.cache', () => {
    expect(ffmpegCacheDir({ MEDIA_PIPELINE_FFMPEG_CACHE: '/c' })).toBe('/c');
    expect(ffmpegCacheDir({ XDG_CACHE_HOME: '/x' })).toBe('/x/media-pipeline/ffmpeg');
    expect(ffmpegCacheDir({})).toBe(join(homedir(), '.cache', 'media-pipeline', 'ffmpeg'));
  });

  it('finds the build of the current script for an architecture, and none for another key or architecture', async () => {
    const env = { MEDIA_PIPELINE_FFMPEG_CACHE: dir };
    await fakeBuild(join(dir, `${ffmpegBuildKey()}-arm64`), 'arm64');
    await fakeBuild(join(dir, '0000000000000000-x86_64'), 'x86_64');
    const build = findFfmpegBuild('arm64', env);
    expect(build).toMatchObject({
      arch: 'arm64',
      dir: join(dir, `${ffmpegBuildKey()}-arm64`),
      ffmpeg: join(dir, `${ffmpegBuildKey()}-arm64`, 'bin', 'ffmpeg'),
      manifest: { ffmpeg: '7.1.5', arch: 'arm64' },
    });
    expect(findFfmpegBuild('x86_64', env)).toBeUndefined();
  });

  it('reads the architecture from an ELF header, and none from anything else', async () => {
    await writeFile(join(dir, 'arm'), fakeElf('arm64'));
    await writeFile(join(dir, 'x86'), fakeElf('x86_64'));
    await writeFile(join(dir, 'script'), '#!/bin/sh\necho hello, this is not an ELF file\n');
    await writeFile(join(dir, 'short'), 'ELF');
    expect(elfArchitecture(join(dir, 'arm'))).toBe('arm64');
    expect(elfArchitecture(join(dir, 'x86'))).toBe('x86_64');
    expect(elfArchitecture(join(dir, 'script'))).toBeUndefined();
    expect(elfArchitecture(join(dir, 'short'))).toBeUndefined();
  });
});
