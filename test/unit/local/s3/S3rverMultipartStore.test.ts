import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { S3rverMultipartStore } from '../../../../local/s3/S3rverMultipartStore.js';

/** Counts the files being read at once, to see how many descriptors the store holds open. */
const reads = vi.hoisted(() => ({ inFlight: 0, peak: 0 }));
vi.mock('node:fs/promises', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:fs/promises')>();
  return {
    ...actual,
    readFile: async (...args: Parameters<typeof actual.readFile>) => {
      reads.inFlight += 1;
      reads.peak = Math.max(reads.peak, reads.inFlight);
      try {
        return await actual.readFile(...args);
      } finally {
        reads.inFlight -= 1;
      }
    },
  };
});

const BUCKET = 'media-pipeline-uploads';
const UPLOAD_ID = 'a1b2c3d4e5f6';
let root: string;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 's3rver-store-'));
  reads.peak = 0;
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('S3rverMultipartStore', () => {
  it('lists 1,000 parts in order while reading at most 64 files at once (all at once runs out of descriptors)', async () => {
    const directory = join(root, BUCKET, '._S3rver_uploads', UPLOAD_ID);
    await mkdir(directory, { recursive: true });
    await writeFile(join(directory, 'key'), 'uploads/u-1/source');
    for (let n = 1; n <= 1000; n++) {
      await writeFile(join(directory, String(n)), Buffer.alloc(n % 7));
      await writeFile(join(directory, `${n}.md5`), `md5-of-${n}`);
    }

    const upload = await new S3rverMultipartStore(root).get(BUCKET, UPLOAD_ID);

    expect(upload?.key).toBe('uploads/u-1/source');
    expect(upload?.parts.map((part) => part.partNumber)).toEqual(Array.from({ length: 1000 }, (_, index) => index + 1));
    expect(upload?.parts[9]).toMatchObject({ partNumber: 10, size: 3, etag: '"md5-of-10"' });
    expect(reads.peak).toBeGreaterThan(1);
    expect(reads.peak).toBeLessThanOrEqual(64);
  });
});
