import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadLocalCredentials } from '../../../local/loadLocalCredentials.js';

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'local-credentials-'));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('loadLocalCredentials', () => {
  it("makes s3rver's key id with a random secret on first use, readable by the owner only", async () => {
    const file = join(dir, 'data', 's3-credentials.json');

    const credentials = await loadLocalCredentials(file);

    expect(credentials.accessKeyId).toBe('S3RVER');
    expect(credentials.secretAccessKey).toMatch(/^[\w-]{32}$/);
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual(credentials);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
  });

  it('keeps the key of a data folder across starts, and another data folder gets another secret', async () => {
    const first = await loadLocalCredentials(join(dir, 'a', 'key.json'));
    expect(await loadLocalCredentials(join(dir, 'a', 'key.json'))).toEqual(first);
    expect((await loadLocalCredentials(join(dir, 'b', 'key.json'))).secretAccessKey).not.toBe(first.secretAccessKey);
  });

  it('refuses a file that holds something else, naming the file', async () => {
    const file = join(dir, 'key.json');
    await writeFile(file, JSON.stringify({ accessKeyId: 'AKIAOTHER', secretAccessKey: 'x' }));
    await expect(loadLocalCredentials(file)).rejects.toThrow(`${file} does not hold local mode's S3 key`);
  });
});
