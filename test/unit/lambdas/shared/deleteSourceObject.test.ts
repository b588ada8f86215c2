import { DeleteObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it, vi } from 'vitest';

vi.hoisted(() => {
  process.env.UPLOADS_BUCKET = 'uploads-bucket';
});

import { deleteSourceObject } from '../../../../lambdas/shared/deleteSourceObject.js';

const s3 = mockClient(S3Client);

describe('deleteSourceObject', () => {
  beforeEach(() => {
    s3.reset();
  });

  it('deletes the original from the uploads bucket', async () => {
    s3.on(DeleteObjectCommand).resolves({});

    await deleteSourceObject('uploads/u1/source');

    expect(s3).toHaveReceivedCommandExactlyOnceWith(DeleteObjectCommand, { Bucket: 'uploads-bucket', Key: 'uploads/u1/source' });
  });
});
