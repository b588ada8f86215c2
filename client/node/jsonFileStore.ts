import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { QueueRecord, QueueStore } from '../queue/QueueStore.js';
import { openFileSource } from './fileSource.js';

const FORMAT_VERSION = 1;

interface StoreFile {
  readonly version: number;
  readonly items: readonly QueueRecord<string>[];
}

/**
 * A Node queue store: one JSON file that lists the queued files by path (never their bytes), so
 * a restarted process reopens each file and resumes its upload. Each change rewrites the file
 * through a temporary file and a rename, so a crash leaves the old list or the new one, never a
 * torn one. One process per file: two queues over the same file would overwrite each other.
 */
export function createJsonFileStore(path: string): QueueStore<string> {
  const file = resolve(path);
  /** The file's items once loaded; writes before a successful load would replace a list never read. */
  let items: Map<string, QueueRecord<string>> | undefined;

  const write = async (next: Map<string, QueueRecord<string>>) => {
    const temporary = `${file}.${process.pid}.tmp`;
    const contents: StoreFile = { version: FORMAT_VERSION, items: [...next.values()] };
    // The temporary name is predictable: whatever sits there (a symlink planted in a shared
    // folder, a crashed run's leftover) is removed, not written through, and a file that
    // reappears before the exclusive create fails this write instead. The list names the
    // user's files and upload ids, so only its user reads it.
    await rm(temporary, { force: true });
    await writeFile(temporary, `${JSON.stringify(contents, null, 2)}\n`, { flag: 'wx', mode: 0o600 });
    await rename(temporary, file);
    items = next;
  };
  const loadedItems = () => {
    if (!items) throw new Error(`The queue file ${file} was not loaded, so it is not overwritten`);
    return items;
  };

  return {
    async load() {
      let text: string;
      try {
        text = await readFile(file, 'utf8');
      } catch (error) {
        // No file (or a file where a folder should be): no list yet. Writing will say what is wrong.
        const { code } = error as NodeJS.ErrnoException;
        if (code !== 'ENOENT' && code !== 'ENOTDIR') throw error;
        items = new Map();
        return [];
      }
      const records = parseStoreFile(text, file);
      items = new Map(records.map((record) => [record.id, record]));
      return records;
    },
    async put(record) {
      await write(new Map(loadedItems()).set(record.id, { ...record, source: resolve(record.source) }));
    },
    async delete(id) {
      const next = new Map(loadedItems());
      if (next.delete(id)) await write(next);
    },
    async open(sourcePath) {
      const source = await openFileSource(sourcePath);
      return { source, close: () => source.close() };
    },
  };
}

function parseStoreFile(text: string, file: string): QueueRecord<string>[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new Error(`The queue file ${file} is not JSON (${(error as Error).message})`, { cause: error });
  }
  const { version, items } = (parsed ?? {}) as Partial<StoreFile>;
  if (version !== FORMAT_VERSION || !Array.isArray(items)) {
    throw new Error(`The queue file ${file} is not a version ${FORMAT_VERSION} queue list (version ${String(version)})`);
  }
  items.forEach((item: Partial<QueueRecord<unknown>>, index) => {
    const valid =
      typeof item?.id === 'string' &&
      typeof item.source === 'string' &&
      typeof item.filename === 'string' &&
      typeof item.contentType === 'string' &&
      Number.isSafeInteger(item.size) &&
      (item.uploadId === undefined || typeof item.uploadId === 'string');
    if (!valid) throw new Error(`Item ${index} of the queue file ${file} lacks its id, source path, filename, content type or size`);
  });
  return items as QueueRecord<string>[];
}
