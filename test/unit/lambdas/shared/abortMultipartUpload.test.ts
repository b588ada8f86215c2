import { AbortMultipartUploadCommand, NoSuchUpload, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it, vi } from 'vitest';

vi.hoisted(() => {
  process.env.UPLOADS_BUCKET = 'uploads-bucket';
});

import { abortMultipartUpload } from '../../../../lambdas/shared/abortMultipartUpload.js';

const s3 = mockClient(S3Client);

describe('abortMultipartUpload', () => {
  beforeEach(() => {
    s3.reset();
  });

  it('aborts the multipart upload in the uploads bucket', async () => {
    s3.on(AbortMultipartUploadCommand).resolves({});

    await abortMultipartUpload('uploads/u1/source', 'mpu-1');

    expect(s3).toHaveReceivedCommandExactlyOnceWith(AbortMultipartUploadCommand, {
      Bucket: 'uploads-bucket',
      Key: 'uploads/u1/source',
      UploadId: 'mpu-1',
    });
  });

  it('treats a multipart upload S3 no longer knows as already aborted', async () => {
    s3.on(AbortMultipartUploadCommand).rejects(new NoSuchUpload({ message: 'The specified upload does not exist', $metadata: {} }));

    await expect(abortMultipartUpload('uploads/u1/source', 'mpu-1')).resolves.toBeUndefined();
  });

  it('passes any other S3 error through', async () => {
    const slowDown = Object.assign(new Error('Please reduce your request rate'), { name: 'SlowDown' });
    s3.on(AbortMultipartUploadCommand).rejects(slowDown);

    await expect(abortMultipartUpload('uploads/u1/source', 'mpu-1')).rejects.toBe(slowDown);
  });
});
