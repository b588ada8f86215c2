import { DeleteObjectsCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it, vi } from 'vitest';

vi.hoisted(() => {
  process.env.MEDIA_BUCKET = 'media-bucket';
  process.env.INVALIDATION_QUEUE_URL = 'https://sqs.eu-west-1.amazonaws.com/123456789012/invalidations';
});

import { withdrawMediaOutputs } from '../../../../lambdas/shared/withdrawMediaOutputs.js';

const s3 = mockClient(S3Client);
const sqs = mockClient(SQSClient);

describe('withdrawMediaOutputs', () => {
  beforeEach(() => {
    s3.reset();
    sqs.reset();
    sqs.on(SendMessageCommand).resolves({ MessageId: 'invalidation-1' });
    s3.on(DeleteObjectsCommand).resolves({});
  });

  it('queues the invalidation, held back 60 s, before it deletes the outputs', async () => {
    const order: string[] = [];
    s3.on(ListObjectsV2Command).resolves({ Contents: [{ Key: 'media/u1/poster.jpg' }], KeyCount: 1 });
    sqs.on(SendMessageCommand).callsFake(async () => {
      order.push('invalidate');
      return { MessageId: 'invalidation-1' };
    });
    s3.on(DeleteObjectsCommand).callsFake(async () => {
      order.push('delete');
      return {};
    });

    await expect(withdrawMediaOutputs('u1')).resolves.toBe(1);

    expect(sqs).toHaveReceivedCommandExactlyOnceWith(SendMessageCommand, {
      QueueUrl: 'https://sqs.eu-west-1.amazonaws.com/123456789012/invalidations',
      MessageBody: JSON.stringify({ uploadId: 'u1' }),
      DelaySeconds: 60,
    });
    expect(order).toEqual(['invalidate', 'delete']);
  });

  it('asks for no invalidation when the upload has no outputs: a file refused before publishing, or outputs an earlier withdrawal already queued and removed, cost no CDN path', async () => {
    s3.on(ListObjectsV2Command).resolves({ KeyCount: 0, IsTruncated: false });

    await expect(withdrawMediaOutputs('u1')).resolves.toBe(0);

    expect(sqs).not.toHaveReceivedCommand(SendMessageCommand);
    expect(s3).not.toHaveReceivedCommand(DeleteObjectsCommand);
  });

  it('deletes nothing when the request cannot be queued, so a retry still finds the outputs and asks again', async () => {
    s3.on(ListObjectsV2Command).resolves({ Contents: [{ Key: 'media/u1/poster.jpg' }], KeyCount: 1 });
    sqs.on(SendMessageCommand).rejects(new Error('SQS is unavailable'));

    await expect(withdrawMediaOutputs('u1')).rejects.toThrow('SQS is unavailable');
    expect(s3).not.toHaveReceivedCommand(DeleteObjectsCommand);
  });
});
