import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Every file directly in `dir` with its bytes, by name: two bundles are the same when these are equal. */
export function folderFiles(dir: string): Record<string, Buffer> {
  return Object.fromEntries(
    readdirSync(dir, { withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map((entry) => [entry.name, readFileSync(join(dir, entry.name))]),
  );
}
