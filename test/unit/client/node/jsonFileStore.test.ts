import { mkdtemp, readFile, readdir, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createJsonFileStore } from '../../../../client/node/jsonFileStore.js';
import type { QueueRecord } from '../../../../client/queue/QueueStore.js';
import { patternBytes } from '../fakePipeline.js';

function record(id: string, source: string, extra: Partial<QueueRecord<string>> = {}): QueueRecord<string> {
  return { id, source, filename: 'talk.mp4', contentType: 'video/mp4', size: 10, addedAt: '2026-11-28T10:00:00.000Z', ...extra };
}

describe('createJsonFileStore', () => {
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'json-file-store-'));
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('starts empty without a file, then keeps the records (paths made absolute) for the next process', async () => {
    const path = join(dir, 'queue.json');
    const store = createJsonFileStore(path);
    expect(await store.load()).toEqual([]);

    await store.put(record('a', join(dir, 'a.mp4')));
    await store.put(record('b', join(dir, 'sub', '..', 'b.mp4')));
    await store.put(record('a', join(dir, 'a.mp4'), { uploadId: 'up1' }));
    await store.delete('b');

    const next = createJsonFileStore(path);
    expect(await next.load()).toEqual([record('a', join(dir, 'a.mp4'), { uploadId: 'up1' })]);
    expect(JSON.parse(await readFile(path, 'utf8'))).toMatchObject({ version: 1 });
    expect(await readdir(dir)).toEqual(['queue.json']);
  });

  it('writes through no file planted at its temporary name (a symlink in a shared folder would aim the list at any file its user can write)', async () => {
    const path = join(dir, 'queue.json');
    const victim = join(dir, 'victim.txt');
    await writeFile(victim, 'keep me\n');
    await symlink(victim, `${path}.${process.pid}.tmp`);
    const store = createJsonFileStore(path);
    await store.load();

    await store.put(record('a', join(dir, 'a.mp4')));

    expect(await readFile(victim, 'utf8')).toBe('keep me\n');
    expect(await createJsonFileStore(path).load()).toEqual([record('a', join(dir, 'a.mp4'))]);
  });

  it("keeps the list readable by its user alone: it names the user's files and upload ids", async () => {
    const path = join(dir, 'queue.json');
    const store = createJsonFileStore(path);
    await store.load();

    await store.put(record('a', join(dir, 'a.mp4')));

    expect((await stat(path)).mode & 0o777).toBe(0o600);
  });

  it('reopens a kept path as a file source, read by byte range', async () => {
    const path = join(dir, 'a.mp4');
    await writeFile(path, patternBytes(10));
    const store = createJsonFileStore(join(dir, 'queue.json'));

    const { source, close } = await store.open(path);
    try {
      expect(source).toMatchObject({ size: 10, name: 'a.mp4', type: 'video/mp4' });
      expect(await source.slice(2, 5)).toEqual(Buffer.from(patternBytes(10).subarray(2, 5)));
    } finally {
      await close?.();
    }
  });

  it('refuses to load a file that is not its list, naming the file, and then to overwrite it', async () => {
    const path = join(dir, 'queue.json');
    await writeFile(path, '{"version":1,"items":[{"id":"a"}]}');
    const store = createJsonFileStore(path);

    await expect(store.load()).rejects.toThrow(`Item 0 of the queue file ${path} lacks its id, source path, filename, content type or size`);
    await expect(store.put(record('b', join(dir, 'b.mp4')))).rejects.toThrow(`The queue file ${path} was not loaded, so it is not overwritten`);
    expect(await readFile(path, 'utf8')).toBe('{"version":1,"items":[{"id":"a"}]}');

    await writeFile(path, 'not json');
    await expect(createJsonFileStore(path).load()).rejects.toThrow(`The queue file ${path} is not JSON`);
  });

  it('loads an empty list where no file can be, and rejects the write it cannot make, naming the path', async () => {
    const blocker = join(dir, 'blocker');
    await writeFile(blocker, '');
    const store = createJsonFileStore(join(blocker, 'queue.json'));
    expect(await store.load()).toEqual([]);

    await expect(store.put(record('a', join(dir, 'a.mp4')))).rejects.toThrow(/ENOTDIR.*blocker\/queue\.json/);
    await expect(createJsonFileStore(join(dir, 'missing', 'queue.json')).put(record('a', join(dir, 'a.mp4')))).rejects.toThrow(/was not loaded/);
  });
});
