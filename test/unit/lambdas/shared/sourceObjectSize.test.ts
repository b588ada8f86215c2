import { HeadObjectCommand, NotFound, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it, vi } from 'vitest';

vi.hoisted(() => {
  process.env.UPLOADS_BUCKET = 'uploads-bucket';
});

import { sourceObjectSize } from '../../../../lambdas/shared/sourceObjectSize.js';

const s3 = mockClient(S3Client);

describe('sourceObjectSize', () => {
  beforeEach(() => {
    s3.reset();
  });

  it('returns the content length of the original', async () => {
    s3.on(HeadObjectCommand).resolves({ ContentLength: 12_345 });

    await expect(sourceObjectSize('uploads/u1/source')).resolves.toBe(12_345);
    expect(s3).toHaveReceivedCommandExactlyOnceWith(HeadObjectCommand, { Bucket: 'uploads-bucket', Key: 'uploads/u1/source' });
  });

  it('returns undefined while the original does not exist', async () => {
    s3.on(HeadObjectCommand).rejects(new NotFound({ message: 'Not Found', $metadata: { httpStatusCode: 404 } }));

    await expect(sourceObjectSize('uploads/u1/source')).resolves.toBeUndefined();
  });

  it('passes any other S3 error through', async () => {
    const forbidden = Object.assign(new Error('Forbidden'), { name: 'Forbidden' });
    s3.on(HeadObjectCommand).rejects(forbidden);

    await expect(sourceObjectSize('uploads/u1/source')).rejects.toBe(forbidden);
  });
});
