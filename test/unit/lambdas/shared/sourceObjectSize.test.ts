import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it, vi } from 'vitest';

vi.hoisted(() => {
  process.env.UPLOADS_BUCKET = 'uploads-bucket';
});

import { sourceObjectSize } from '../../../../lambdas/shared/sourceObjectSize.js';
import { originalListing } from '../../support/originalListing.js';

const s3 = mockClient(S3Client);
const KEY = 'uploads/u1/source';

describe('sourceObjectSize', () => {
  beforeEach(() => {
    s3.reset();
  });

  it('lists under the original key itself, one key at most, and returns its size', async () => {
    s3.on(ListObjectsV2Command).resolves(originalListing(KEY, 12_345));

    await expect(sourceObjectSize(KEY)).resolves.toBe(12_345);
    expect(s3).toHaveReceivedCommandExactlyOnceWith(ListObjectsV2Command, { Bucket: 'uploads-bucket', Prefix: KEY, MaxKeys: 1 });
  });

  it('returns undefined while the original does not exist', async () => {
    s3.on(ListObjectsV2Command).resolves(originalListing(KEY));

    await expect(sourceObjectSize(KEY)).resolves.toBeUndefined();
  });

  it('returns undefined when the only key listed is a longer one that merely starts with the original key', async () => {
    s3.on(ListObjectsV2Command).resolves({ KeyCount: 1, Contents: [{ Key: `${KEY}-other`, Size: 5 }] });

    await expect(sourceObjectSize(KEY)).resolves.toBeUndefined();
  });

  it('counts an empty original as 0 bytes', async () => {
    s3.on(ListObjectsV2Command).resolves({ KeyCount: 1, Contents: [{ Key: KEY }] });

    await expect(sourceObjectSize(KEY)).resolves.toBe(0);
  });

  it('passes any S3 error through', async () => {
    const denied = Object.assign(new Error('Access Denied'), { name: 'AccessDenied' });
    s3.on(ListObjectsV2Command).rejects(denied);

    await expect(sourceObjectSize(KEY)).rejects.toBe(denied);
  });
});
