import { mkdtemp, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openFileSource } from '../../../../client/node/fileSource.js';
import { patternBytes } from '../fakePipeline.js';

describe('openFileSource', () => {
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'file-source-'));
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('gives the size, name and guessed type, and reads exactly the asked byte ranges', async () => {
    const path = join(dir, 'take 1.mp3');
    const bytes = patternBytes(100);
    await writeFile(path, bytes);
    const source = await openFileSource(path);
    try {
      expect(source).toMatchObject({ size: 100, name: 'take 1.mp3', type: 'audio/mpeg', path });
      expect(await source.slice(0, 10)).toEqual(Buffer.from(bytes.subarray(0, 10)));
      expect(await source.slice(95, 100)).toEqual(Buffer.from(bytes.subarray(95, 100)));
    } finally {
      await source.close();
    }
  });

  it('uses the given type over the guess', async () => {
    const path = join(dir, 'voice.bin');
    await writeFile(path, patternBytes(3));
    const source = await openFileSource(path, { type: 'audio/ogg' });
    await source.close();

    expect(source.type).toBe('audio/ogg');
  });

  it('fails a read when the file shrank after it was opened', async () => {
    const path = join(dir, 'a.mp3');
    await writeFile(path, patternBytes(50));
    const source = await openFileSource(path);
    try {
      await truncate(path, 20);
      await expect(source.slice(10, 40)).rejects.toThrow(`${path} ended at byte 20 but was 50 bytes when opened`);
    } finally {
      await source.close();
    }
  });

  it('rejects a missing file with the system error', async () => {
    await expect(openFileSource(join(dir, 'missing.mp3'))).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
