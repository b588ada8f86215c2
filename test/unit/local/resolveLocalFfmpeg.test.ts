import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ffmpegBuildKey } from '../../../layers/ffmpeg/ffmpegBuild.js';
import { resolveLocalFfmpeg } from '../../../local/resolveLocalFfmpeg.js';
import { fakeBinary } from '../support/fakeBinary.js';

const VERSION = 'echo "ffmpeg version 7.1.5-test Copyright (c) 2000-2026 the FFmpeg developers"';

describe('resolveLocalFfmpeg', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'local-ffmpeg-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('runs FFMPEG_PATH/FFPROBE_PATH when the shell sets them, and says so with the version', async () => {
    const ffmpeg = await fakeBinary(VERSION);
    const ffprobe = await fakeBinary(VERSION);
    expect(resolveLocalFfmpeg({ FFMPEG_PATH: ffmpeg, FFPROBE_PATH: ffprobe, PATH: '' })).toEqual({
      ffmpeg,
      ffprobe,
      source: 'FFMPEG_PATH/FFPROBE_PATH',
      version: 'ffmpeg version 7.1.5-test',
    });
  });

  it('prefers the layer build of this architecture over the PATH, as deployed', async () => {
    const arch = process.arch === 'arm64' ? 'arm64' : 'x86_64';
    const bin = join(dir, `${ffmpegBuildKey()}-${arch}`, 'bin');
    await mkdir(bin, { recursive: true });
    for (const tool of ['ffmpeg', 'ffprobe']) {
      await writeFile(join(bin, tool), `#!/bin/sh\n${VERSION}\n`);
      await chmod(join(bin, tool), 0o755);
    }
    await writeFile(join(bin, '..', 'build.json'), '{}');
    expect(resolveLocalFfmpeg({ MEDIA_PIPELINE_FFMPEG_CACHE: dir, PATH: process.env.PATH })).toMatchObject({
      ffmpeg: join(bin, 'ffmpeg'),
      source: `the layer's ${arch} build, as deployed`,
    });
  });

  it('reports what it tried when nothing runs, for the warning that turns processing off', () => {
    expect(resolveLocalFfmpeg({ FFMPEG_PATH: join(dir, 'nope'), FFPROBE_PATH: join(dir, 'nope-either') })).toEqual({
      problem: `${join(dir, 'nope')} and ${join(dir, 'nope-either')} from FFMPEG_PATH/FFPROBE_PATH did not run`,
    });
  });
});
