import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { assembleFfmpegLayer, layerNotice } from '../../../../layers/ffmpeg/assembleFfmpegLayer.js';
import { type FfmpegBinary, ffmpegBinaries } from '../../../../layers/ffmpeg/ffmpegBinaries.js';

describe('assembleFfmpegLayer', () => {
  let dir: string;
  let binaries: FfmpegBinary[];
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'layer-'));
    binaries = [];
    for (const name of ['ffmpeg', 'ffprobe'] as const) {
      const path = join(dir, `npm-${name}`);
      await writeFile(path, `${name} binary`, { mode: 0o644 });
      binaries.push({ name, path, packageName: `@x/${name}`, packageVersion: '1.0.0', build: `build-${name}` });
    }
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('copies the binaries into bin/, executable, and writes the licence notice', async () => {
    const out = join(dir, 'asset');
    assembleFfmpegLayer(out, binaries);
    for (const name of ['ffmpeg', 'ffprobe']) {
      expect(await readFile(join(out, 'bin', name), 'utf8')).toBe(`${name} binary`);
      expect((await stat(join(out, 'bin', name))).mode & 0o777).toBe(0o755);
    }
    expect(await readFile(join(out, 'NOTICE.txt'), 'utf8')).toBe(layerNotice(binaries));
    expect(layerNotice(binaries)).toContain('- bin/ffprobe: FFmpeg build build-ffprobe, from the npm package @x/ffprobe@1.0.0');
  });

  it('says to install the dev dependencies when a binary is missing', async () => {
    const missing = [{ ...(binaries[0] as FfmpegBinary), path: join(dir, 'gone') }];
    expect(() => assembleFfmpegLayer(join(dir, 'asset'), missing)).toThrow(
      `${join(dir, 'gone')} is missing: install the dev dependencies (npm ci) before synthesizing the ffmpeg layer`,
    );
  });
});

describe('ffmpegBinaries', () => {
  it('finds the pinned npm builds and their upstream build ids', () => {
    expect(ffmpegBinaries().map(({ name, packageName, packageVersion, build }) => ({ name, packageName, packageVersion, build }))).toEqual([
      { name: 'ffmpeg', packageName: '@ffmpeg-installer/linux-x64', packageVersion: '4.1.0', build: '20181210-g0e8eb07980' },
      { name: 'ffprobe', packageName: '@ffprobe-installer/linux-x64', packageVersion: '5.2.0', build: '20230721-c2b3861' },
    ]);
  });
});
