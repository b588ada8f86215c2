import { DeleteObjectsCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it, vi } from 'vitest';

vi.hoisted(() => {
  process.env.MEDIA_BUCKET = 'media-bucket';
});

import { deleteMediaOutputs } from '../../../../lambdas/shared/deleteMediaOutputs.js';

const s3 = mockClient(S3Client);

function keys(from: number, count: number): { Key: string }[] {
  return Array.from({ length: count }, (_unused, index) => ({ Key: `media/u1/hls/segment-${from + index}.ts` }));
}

describe('deleteMediaOutputs', () => {
  beforeEach(() => {
    s3.reset();
  });

  it('deletes every key under media/{uploadId}/, one DeleteObjects batch per listing page', async () => {
    s3.on(ListObjectsV2Command, { ContinuationToken: undefined }).resolves({
      Contents: keys(0, 1000),
      IsTruncated: true,
      NextContinuationToken: 'page-2',
    });
    s3.on(ListObjectsV2Command, { ContinuationToken: 'page-2' }).resolves({ Contents: keys(1000, 3), IsTruncated: false });
    s3.on(DeleteObjectsCommand).resolves({});

    await expect(deleteMediaOutputs('u1')).resolves.toBe(1003);

    expect(s3).toHaveReceivedNthCommandWith(ListObjectsV2Command, 1, { Bucket: 'media-bucket', Prefix: 'media/u1/' });
    expect(s3).toHaveReceivedCommandTimes(DeleteObjectsCommand, 2);
    expect(s3).toHaveReceivedCommandWith(DeleteObjectsCommand, { Bucket: 'media-bucket', Delete: { Objects: keys(0, 1000), Quiet: true } });
    expect(s3).toHaveReceivedCommandWith(DeleteObjectsCommand, { Bucket: 'media-bucket', Delete: { Objects: keys(1000, 3), Quiet: true } });
  });

  it('sends no DeleteObjects when there are no outputs', async () => {
    s3.on(ListObjectsV2Command).resolves({ KeyCount: 0, IsTruncated: false });

    await expect(deleteMediaOutputs('u1')).resolves.toBe(0);
    expect(s3).not.toHaveReceivedCommand(DeleteObjectsCommand);
  });

  it('fails, naming the count and the first refusal, when S3 refuses to delete some keys', async () => {
    s3.on(ListObjectsV2Command).resolves({ Contents: keys(0, 2) });
    s3.on(DeleteObjectsCommand).resolves({ Errors: [{ Key: 'media/u1/hls/segment-1.ts', Code: 'AccessDenied' }] });

    await expect(deleteMediaOutputs('u1')).rejects.toThrow(
      'S3 refused to delete 1 of 2 outputs of upload u1 (first: media/u1/hls/segment-1.ts AccessDenied)',
    );
  });
});
