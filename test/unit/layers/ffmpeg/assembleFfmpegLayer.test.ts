import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { assembleFfmpegLayer } from '../../../../layers/ffmpeg/assembleFfmpegLayer.js';
import { fakeBuild } from './fakeBuild.js';

describe('assembleFfmpegLayer', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'layer-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('copies the build into the asset: executable binaries in bin/, the notice, the licences and build.json', async () => {
    const build = await fakeBuild(join(dir, 'build'), 'arm64');
    const out = join(dir, 'asset');
    assembleFfmpegLayer(out, build, 'arm64');
    for (const tool of ['ffmpeg', 'ffprobe']) {
      expect((await stat(join(out, 'bin', tool))).mode & 0o777).toBe(0o755);
    }
    expect(await readFile(join(out, 'NOTICE.txt'), 'utf8')).toContain('GPL-2.0-or-later');
    expect(await readFile(join(out, 'licenses', 'FFmpeg-COPYING.GPLv2'), 'utf8')).toBe('GPLv2\n');
    expect(JSON.parse(await readFile(join(out, 'build.json'), 'utf8'))).toMatchObject({ ffmpeg: '7.1.5', arch: 'arm64' });
  });

  it('refuses binaries of another architecture, naming the file and what it is built for', async () => {
    const build = await fakeBuild(join(dir, 'build'), 'arm64', 'x86_64');
    expect(() => assembleFfmpegLayer(join(dir, 'asset'), build, 'arm64')).toThrow(
      `The ffmpeg layer for arm64 got ${join(build, 'bin', 'ffmpeg')}, which is built for x86_64`,
    );
  });

  it('refuses a file that is not an executable, and a missing binary', async () => {
    const build = await fakeBuild(join(dir, 'build'), 'x86_64');
    await writeFile(join(build, 'bin', 'ffprobe'), '#!/bin/sh\n');
    expect(() => assembleFfmpegLayer(join(dir, 'asset'), build, 'x86_64')).toThrow('which is not a Linux executable');
    await rm(join(build, 'bin', 'ffmpeg'));
    expect(() => assembleFfmpegLayer(join(dir, 'asset'), build, 'x86_64')).toThrow(
      `The ffmpeg layer for x86_64 needs ${join(build, 'bin', 'ffmpeg')}, which is missing`,
    );
  });

  it('refuses a build without its licence notice', async () => {
    const build = await fakeBuild(join(dir, 'build'), 'x86_64');
    await rm(join(build, 'NOTICE.txt'));
    expect(() => assembleFfmpegLayer(join(dir, 'asset'), build, 'x86_64')).toThrow('licence notice');
  });
});
