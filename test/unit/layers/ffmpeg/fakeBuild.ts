import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { LayerArchitecture } from '../../../../layers/ffmpeg/ffmpegBuild.js';

const E_MACHINE: Readonly<Record<LayerArchitecture, number>> = { x86_64: 0x3e, arm64: 0xb7 };

/** The first bytes of an ELF executable for `arch` (all that elfArchitecture reads), then `body`. */
export function fakeElf(arch: LayerArchitecture, body = ''): Buffer {
  const header = Buffer.alloc(64);
  header.writeUInt32BE(0x7f454c46, 0);
  header.writeUInt16LE(E_MACHINE[arch], 18);
  return Buffer.concat([header, Buffer.from(body)]);
}

/** A folder laid out as build.sh leaves one, with fake binaries for `binaryArch`. */
export async function fakeBuild(dir: string, arch: LayerArchitecture, binaryArch: LayerArchitecture = arch): Promise<string> {
  await mkdir(join(dir, 'bin'), { recursive: true });
  await mkdir(join(dir, 'licenses'), { recursive: true });
  for (const tool of ['ffmpeg', 'ffprobe']) await writeFile(join(dir, 'bin', tool), fakeElf(binaryArch, tool), { mode: 0o755 });
  await writeFile(join(dir, 'NOTICE.txt'), 'FFmpeg 7.1.5, GPL-2.0-or-later\n');
  await writeFile(join(dir, 'licenses', 'FFmpeg-COPYING.GPLv2'), 'GPLv2\n');
  await writeFile(
    join(dir, 'build.json'),
    JSON.stringify({ ffmpeg: '7.1.5', arch, key: 'k', libraries: [], configure: '', bytes: { ffmpeg: 1, ffprobe: 1 } }),
  );
  return dir;
}
