import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { getObjectAttributes } from '../../../../local/s3/getObjectAttributes.js';
import { S3rverObjectStore } from '../../../../local/s3/S3rverObjectStore.js';

/** s3rver's own store writes the objects, so the answers are read from the real on-disk layout. */
const require = createRequire(import.meta.url);
const FilesystemStore = require('s3rver/lib/stores/filesystem.js') as new (root: string) => {
  putBucket(bucket: string): Promise<unknown>;
  putObject(object: unknown): Promise<{ md5: string }>;
};
const S3Object = require('s3rver/lib/models/object.js') as new (bucket: string, key: string, content: Buffer, metadata: object) => unknown;

const BUCKET = 'media-pipeline-uploads';
const KEY = 'uploads/u-1/source';
const BYTES = Buffer.from('the bytes of a completed upload');
const CHECKSUM = 'yZRlqg==';

let root: string;
let s3rverStore: InstanceType<typeof FilesystemStore>;
let objects: S3rverObjectStore;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 's3rver-objects-'));
  s3rverStore = new FilesystemStore(root);
  await s3rverStore.putBucket(BUCKET);
  await s3rverStore.putObject(new S3Object(BUCKET, KEY, BYTES, { 'content-type': 'video/mp4' }));
  objects = new S3rverObjectStore(root);
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('getObjectAttributes', () => {
  it('answers the FULL_OBJECT CRC-32C a complete verified, with the size, ETag (unquoted) and storage class asked for', async () => {
    await objects.keepFullObjectChecksum(BUCKET, KEY, CHECKSUM);

    const answer = await getObjectAttributes(objects, BUCKET, KEY, 'ETag, Checksum,StorageClass,ObjectSize');

    const md5 = createHash('md5').update(BYTES).digest('hex');
    expect(answer).toEqual({
      lastModified: expect.any(Date),
      xml:
        '<?xml version="1.0" encoding="UTF-8"?>\n<GetObjectAttributesResponse xmlns="http://s3.amazonaws.com/doc/2006-03-01/">' +
        `<ETag>${md5}</ETag><Checksum><ChecksumCRC32C>${CHECKSUM}</ChecksumCRC32C><ChecksumType>FULL_OBJECT</ChecksumType></Checksum>` +
        `<StorageClass>STANDARD</StorageClass><ObjectSize>${BYTES.length}</ObjectSize></GetObjectAttributesResponse>`,
    });
  });

  it('leaves Checksum out for an object stored without one, and once a PutObject replaced the checksummed one', async () => {
    expect(await getObjectAttributes(objects, BUCKET, KEY, 'Checksum')).toMatchObject({ xml: expect.not.stringContaining('<Checksum>') });

    await objects.keepFullObjectChecksum(BUCKET, KEY, CHECKSUM);
    await s3rverStore.putObject(new S3Object(BUCKET, KEY, Buffer.from('other bytes'), {}));

    expect(await getObjectAttributes(objects, BUCKET, KEY, 'Checksum,ObjectSize')).toMatchObject({
      xml: expect.stringMatching(/\/"><ObjectSize>11<\/ObjectSize><\/GetObjectAttributesResponse>$/),
    });
  });

  it.each([
    ['no attributes', undefined, 400, 'InvalidArgument'],
    ['an attribute S3 does not know', 'Checksum,Size', 400, 'InvalidArgument'],
    ['the parts of a completed object, which local S3 does not keep', 'ObjectParts', 501, 'NotImplemented'],
  ])('refuses %s', async (_case, header, status, code) => {
    expect(await getObjectAttributes(objects, BUCKET, KEY, header)).toMatchObject({ error: { status, code } });
  });

  it('answers NoSuchKey for a key without an object', async () => {
    expect(await getObjectAttributes(objects, BUCKET, 'uploads/u-2/source', 'ObjectSize')).toMatchObject({ error: { status: 404, code: 'NoSuchKey' } });
  });
});
