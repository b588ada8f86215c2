import { existsSync } from 'node:fs';
import { DeleteObjectsCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it, vi } from 'vitest';

vi.hoisted(() => {
  process.env.UPLOADS_TABLE = 'uploads-table';
  process.env.USAGE_TABLE = 'usage-table';
  process.env.MEDIA_BUCKET = 'media-bucket';
  process.env.MEDIA_BASE_URL = 'https://cdn.example.com/';
  process.env.FFMPEG_PATH = '/opt/bin/ffmpeg';
  process.env.MEDIACONVERT_SETTINGS = JSON.stringify({
    queueArn: 'arn:aws:mediaconvert:us-east-1:123456789012:queues/media-pipeline',
    roleArn: 'arn:aws:iam::123456789012:role/mc',
    stackName: 'media-pipeline-test',
    accelerated: false,
  });
});

vi.mock('../../../../../lambdas/process-upload/mediaconvert/finishJob.js', () => ({ finishJob: vi.fn() }));

import { finishJob, type FinishJobOptions } from '../../../../../lambdas/process-upload/mediaconvert/finishJob.js';
import { jobStateContext } from '../../../../../lambdas/process-upload/mediaconvert/jobStateContext.js';
import { QUEUE_ARN, STACK_NAME, transcodeJob } from '../../../support/transcodeJob.js';

const s3 = mockClient(S3Client);

describe('jobStateContext', () => {
  beforeEach(() => {
    s3.reset();
    s3.on(DeleteObjectsCommand).resolves({});
    vi.mocked(finishJob).mockReset();
  });

  it("names this stack's queue and stack from MEDIACONVERT_SETTINGS, and touches only when asked", () => {
    expect(jobStateContext()).toMatchObject({ queueArn: QUEUE_ARN, stackName: STACK_NAME, touch: undefined });
    expect(jobStateContext({ touch: true }).touch).toBe(true);
  });

  it('finishes with the media bucket, the ffmpeg binary, public URLs under the media base URL and a scratch folder removed afterwards', async () => {
    let seen: FinishJobOptions | undefined;
    let scratchExisted = false;
    vi.mocked(finishJob).mockImplementation(async (_uploadId, _job, options) => {
      seen = options;
      scratchExisted = existsSync(options.workDir);
      return { media: { kind: 'video' }, leftovers: [] };
    });

    await expect(jobStateContext().finish('u1', transcodeJob())).resolves.toEqual({ media: { kind: 'video' }, leftovers: [] });

    expect(finishJob).toHaveBeenCalledWith('u1', transcodeJob(), expect.objectContaining({ bucket: 'media-bucket', ffmpeg: '/opt/bin/ffmpeg' }));
    expect(seen?.outputUrl('720p/index.m3u8')).toBe('https://cdn.example.com/media/u1/720p/index.m3u8');
    expect(scratchExisted).toBe(true);
    expect(existsSync(seen?.workDir as string)).toBe(false);
  });

  it('removes the scratch folder when finishing fails too', async () => {
    let workDir = '';
    vi.mocked(finishJob).mockImplementation(async (_uploadId, _job, options) => {
      workDir = options.workDir;
      throw new Error('tiling failed');
    });
    await expect(jobStateContext().finish('u1', transcodeJob())).rejects.toThrow('tiling failed');
    expect(existsSync(workDir)).toBe(false);
  });

  it('removes leftovers in DeleteObjects batches of at most 1,000 keys', async () => {
    const keys = Array.from({ length: 1001 }, (_unused, i) => `media/u1/job-0123456789abcdef/thumbnails/frame.${String(i).padStart(7, '0')}.jpg`);
    await jobStateContext().removeLeftovers(keys);
    expect(s3).toHaveReceivedCommandTimes(DeleteObjectsCommand, 2);
    expect(s3).toHaveReceivedNthCommandWith(DeleteObjectsCommand, 1, { Bucket: 'media-bucket', Delete: { Objects: keys.slice(0, 1000).map((Key) => ({ Key })), Quiet: true } });
    expect(s3).toHaveReceivedNthCommandWith(DeleteObjectsCommand, 2, { Bucket: 'media-bucket', Delete: { Objects: [{ Key: keys[1000] }], Quiet: true } });
  });
});
