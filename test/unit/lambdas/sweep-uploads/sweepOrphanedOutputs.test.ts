import { DeleteObjectsCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { BatchGetCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

vi.hoisted(() => {
  process.env.UPLOADS_TABLE = 'uploads-table';
  process.env.MEDIA_BUCKET = 'media-bucket';
  process.env.INVALIDATION_QUEUE_URL = 'https://sqs.eu-west-1.amazonaws.com/123456789012/invalidations';
});

import { logger } from '../../../../lambdas/shared/logger.js';
import type { SweepSettings } from '../../../../lambdas/shared/sweepSettings.js';
import type { UploadStatus } from '../../../../lambdas/shared/uploadRecord.js';
import { MAX_FOLDERS_PER_RUN, sweepOrphanedOutputs } from '../../../../lambdas/sweep-uploads/sweepOrphanedOutputs.js';

const dynamo = mockClient(DynamoDBDocumentClient);
const s3 = mockClient(S3Client);
const sqs = mockClient(SQSClient);

/** Every run checks every folder. */
const ALL_EACH_RUN: SweepSettings = {
  intervalSeconds: 900,
  uploadedStallSeconds: 900,
  processingStallSeconds: 6300,
  queueRetentionSeconds: 345_600,
  maxRequeues: 3,
  outputScanCycleSeconds: 900,
};
const NOW = new Date('2025-03-02T06:00:00.000Z');

const id = (first: string) => `${first.repeat(8)}-${first.repeat(4)}-4${first.repeat(3)}-8${first.repeat(3)}-${first.repeat(12)}`;
const folder = (uploadId: string) => ({ Prefix: `media/${uploadId}/` });

/** A media bucket with `folders` (each with two objects) and a table with `records`. */
function world(folders: string[], records: Record<string, UploadStatus>): void {
  s3.on(ListObjectsV2Command, { Delimiter: '/' }, false).callsFake(async (input: { StartAfter?: string }) => ({
    CommonPrefixes: folders.filter((uploadId) => input.StartAfter === undefined || `media/${uploadId}/` > input.StartAfter).map(folder),
  }));
  s3.on(ListObjectsV2Command, { Delimiter: undefined }, false).callsFake(async (input: { Prefix: string }) => ({
    Contents: [{ Key: `${input.Prefix}master.m3u8` }, { Key: `${input.Prefix}poster.jpg` }],
  }));
  s3.on(DeleteObjectsCommand).resolves({});
  dynamo.on(BatchGetCommand).callsFake(async (input: { RequestItems: Record<string, { Keys: { uploadId: string }[] }> }) => ({
    Responses: {
      'uploads-table': (input.RequestItems['uploads-table']?.Keys ?? []).flatMap(({ uploadId }) =>
        records[uploadId] === undefined ? [] : [{ uploadId, status: records[uploadId] }],
      ),
    },
  }));
}

function deletedFolders(): string[] {
  return s3.commandCalls(DeleteObjectsCommand).map((call) => call.args[0].input.Delete?.Objects?.[0]?.Key?.split('/')[1] ?? '');
}

describe('sweepOrphanedOutputs', () => {
  beforeEach(() => {
    dynamo.reset();
    s3.reset();
    sqs.reset();
    sqs.on(SendMessageCommand).resolves({ MessageId: 'invalidation-1' });
    vi.spyOn(logger, 'info').mockImplementation(() => undefined);
  });

  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('removes the outputs of failed, cancelled and expired uploads and of removed ones, and keeps the rest', async () => {
    const [failed, cancelled, expired, gone, ready, uploaded, processing] = ['1', '2', '3', '4', '5', '6', '7'].map(id);
    world([failed, cancelled, expired, gone, ready, uploaded, processing].map(String), {
      [failed!]: 'failed',
      [cancelled!]: 'cancelled',
      [expired!]: 'expired',
      [ready!]: 'ready',
      [uploaded!]: 'uploaded',
      [processing!]: 'processing',
    });

    await expect(sweepOrphanedOutputs(NOW, ALL_EACH_RUN)).resolves.toEqual({ checked: 7, removed: 4, objects: 8, errors: 0 });

    expect(deletedFolders().sort()).toEqual([failed, cancelled, expired, gone].sort());
    expect(s3).toHaveReceivedCommandWith(ListObjectsV2Command, { Bucket: 'media-bucket', Prefix: 'media/', Delimiter: '/', MaxKeys: 1000 });
    expect(dynamo).toHaveReceivedCommandWith(BatchGetCommand, {
      RequestItems: {
        'uploads-table': expect.objectContaining({ ConsistentRead: true, ProjectionExpression: '#uploadId, #status' }),
      },
    });
  });

  it('passes over folders not named after an upload id', async () => {
    world(['thumbnails-cache', id('a')], {});

    await expect(sweepOrphanedOutputs(NOW, ALL_EACH_RUN)).resolves.toMatchObject({ checked: 1, removed: 1 });
    expect(deletedFolders()).toEqual([id('a')]);
  });

  it("with a cycle longer than the interval, checks only the hand's window of ids", async () => {
    // At 06:00 a one-day hand stands at a quarter of the id space; the window reaches back 18.75 minutes.
    const before = '3c000000-0000-4000-8000-000000000000';
    const inside = '3f000000-0000-4000-8000-000000000000';
    const after = '40000000-0000-4000-8000-000000000000';
    world([before, inside, after], {});

    await sweepOrphanedOutputs(NOW, { ...ALL_EACH_RUN, outputScanCycleSeconds: 86_400 });

    expect(deletedFolders()).toEqual([inside]);
    expect(s3).toHaveReceivedCommandWith(ListObjectsV2Command, { Delimiter: '/', StartAfter: 'media/3caaaaaa' });
  });

  it('follows continuation tokens, asks BatchGetItem for at most 100 ids at a time and stops at MAX_FOLDERS_PER_RUN', async () => {
    let served = 0;
    s3.on(ListObjectsV2Command, { Delimiter: '/' }, false).callsFake(async (input: { MaxKeys: number; ContinuationToken?: string }) => {
      const page = Array.from({ length: input.MaxKeys }, (_unused, index) => folder(`${(served + index).toString(16).padStart(8, '0')}-0000-4000-8000-000000000000`));
      served += input.MaxKeys;
      return { CommonPrefixes: page, IsTruncated: true, NextContinuationToken: `after-${served}` };
    });
    dynamo.on(BatchGetCommand).callsFake(async (input: { RequestItems: Record<string, { Keys: { uploadId: string }[] }> }) => ({
      Responses: { 'uploads-table': (input.RequestItems['uploads-table']?.Keys ?? []).map(({ uploadId }) => ({ uploadId, status: 'ready' })) },
    }));
    vi.spyOn(logger, 'warn').mockImplementation(() => undefined);

    await expect(sweepOrphanedOutputs(NOW, ALL_EACH_RUN)).resolves.toEqual({ checked: MAX_FOLDERS_PER_RUN, removed: 0, objects: 0, errors: 0 });

    expect(s3).toHaveReceivedCommandTimes(ListObjectsV2Command, Math.ceil(MAX_FOLDERS_PER_RUN / 1000));
    expect(s3).toHaveReceivedNthCommandWith(ListObjectsV2Command, 2, { ContinuationToken: 'after-1000' });
    expect(dynamo.commandCalls(BatchGetCommand).every((call) => (call.args[0].input.RequestItems?.['uploads-table']?.Keys?.length ?? 0) <= 100)).toBe(true);
    expect(s3).not.toHaveReceivedCommand(DeleteObjectsCommand);
  });

  it('never takes an id DynamoDB left unprocessed for a removed upload', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout'] });
    const unread = id('b');
    world([unread], {});
    dynamo.on(BatchGetCommand).resolves({ Responses: { 'uploads-table': [] }, UnprocessedKeys: { 'uploads-table': { Keys: [{ uploadId: unread }] } } });

    const run = sweepOrphanedOutputs(NOW, ALL_EACH_RUN);
    await vi.runAllTimersAsync();

    await expect(run).resolves.toEqual({ checked: 1, removed: 0, objects: 0, errors: 0 });
    expect(dynamo).toHaveReceivedCommandTimes(BatchGetCommand, 3);
    vi.useRealTimers();
  });

  it('counts outputs it could not remove as errors and goes on', async () => {
    const error = vi.spyOn(logger, 'error').mockImplementation(() => undefined);
    world([id('c'), id('d')], { [id('c')]: 'cancelled' });
    s3.on(DeleteObjectsCommand).resolvesOnce({ Errors: [{ Key: `media/${id('c')}/master.m3u8`, Code: 'AccessDenied' }] }).resolves({});

    await expect(sweepOrphanedOutputs(NOW, ALL_EACH_RUN)).resolves.toEqual({ checked: 2, removed: 1, objects: 2, errors: 1 });
    expect(error).toHaveBeenCalledWith('Could not remove outputs left behind', expect.objectContaining({ uploadId: id('c') }));
  });
});
