import { chmod, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Writes an executable shell script standing in for ffmpeg or ffprobe, so a test decides what
 * the "binary" prints and how it ends. Returns its path.
 */
export async function fakeBinary(script: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'fake-ffmpeg-'));
  const path = join(dir, 'bin');
  await writeFile(path, `#!/bin/sh\n${script}\n`);
  await chmod(path, 0o755);
  return path;
}
