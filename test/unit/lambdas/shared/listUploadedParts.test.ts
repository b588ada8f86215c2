import { ListPartsCommand, NoSuchUpload, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it, vi } from 'vitest';

vi.hoisted(() => {
  process.env.UPLOADS_BUCKET = 'uploads-bucket';
});

import { listUploadedParts } from '../../../../lambdas/shared/listUploadedParts.js';

const s3 = mockClient(S3Client);

describe('listUploadedParts', () => {
  beforeEach(() => {
    s3.reset();
  });

  it('lists every part of the multipart upload, following PartNumberMarker while S3 says the list is truncated', async () => {
    s3.on(ListPartsCommand, { PartNumberMarker: undefined }).resolves({
      Parts: [
        { PartNumber: 1, Size: 100, ETag: '"e1"' },
        { PartNumber: 2, Size: 100, ETag: '"e2"' },
      ],
      IsTruncated: true,
      NextPartNumberMarker: '2',
    });
    s3.on(ListPartsCommand, { PartNumberMarker: '2' }).resolves({
      Parts: [{ PartNumber: 3, Size: 40, ETag: '"e3"' }],
      IsTruncated: false,
      NextPartNumberMarker: '3',
    });

    await expect(listUploadedParts('uploads/u1/source', 'mpu-1')).resolves.toEqual([
      { partNumber: 1, size: 100, etag: '"e1"' },
      { partNumber: 2, size: 100, etag: '"e2"' },
      { partNumber: 3, size: 40, etag: '"e3"' },
    ]);
    expect(s3).toHaveReceivedCommandTimes(ListPartsCommand, 2);
    expect(s3).toHaveReceivedNthCommandWith(ListPartsCommand, 1, {
      Bucket: 'uploads-bucket',
      Key: 'uploads/u1/source',
      UploadId: 'mpu-1',
      MaxParts: 1000,
      PartNumberMarker: undefined,
    });
    expect(s3).toHaveReceivedNthCommandWith(ListPartsCommand, 2, { PartNumberMarker: '2' });
  });

  it('returns an empty list for a multipart upload without parts', async () => {
    s3.on(ListPartsCommand).resolves({ IsTruncated: false });

    await expect(listUploadedParts('uploads/u1/source', 'mpu-1')).resolves.toEqual([]);
  });

  it('returns undefined when S3 no longer knows the multipart upload', async () => {
    s3.on(ListPartsCommand).rejects(new NoSuchUpload({ message: 'The specified upload does not exist', $metadata: {} }));

    await expect(listUploadedParts('uploads/u1/source', 'mpu-1')).resolves.toBeUndefined();
  });

  it('passes any other S3 error through', async () => {
    const denied = Object.assign(new Error('Access Denied'), { name: 'AccessDenied' });
    s3.on(ListPartsCommand).rejects(denied);

    await expect(listUploadedParts('uploads/u1/source', 'mpu-1')).rejects.toBe(denied);
  });

  it('stops after a bounded number of pages when S3 keeps answering with the same marker', async () => {
    s3.on(ListPartsCommand).resolves({ Parts: [{ PartNumber: 1, Size: 1, ETag: '"e"' }], IsTruncated: true, NextPartNumberMarker: '1' });

    await listUploadedParts('uploads/u1/source', 'mpu-1');

    expect(s3).toHaveReceivedCommandTimes(ListPartsCommand, 2);
  });

  it('stops after 11 pages, more than 10,000 parts need, when S3 never stops truncating', async () => {
    let page = 0;
    s3.on(ListPartsCommand).callsFake(async () => {
      page += 1;
      return { Parts: [{ PartNumber: page, Size: 1, ETag: `"e${page}"` }], IsTruncated: true, NextPartNumberMarker: String(page) };
    });

    await expect(listUploadedParts('uploads/u1/source', 'mpu-1')).resolves.toHaveLength(11);
    expect(s3).toHaveReceivedCommandTimes(ListPartsCommand, 11);
  });
});
