import { DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ProvisionedThroughputExceededException } from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

vi.hoisted(() => {
  process.env.UPLOADS_TABLE = 'uploads-table';
  process.env.USAGE_TABLE = 'usage-table';
});

import { ProgressReporter, STAGE_RANGES } from '../../../../lambdas/process-upload/ProgressReporter.js';
import { InvalidStateError } from '../../../../lambdas/shared/errors.js';
import { logger } from '../../../../lambdas/shared/logger.js';
import type { UploadRecord } from '../../../../lambdas/shared/uploadRecord.js';
import { fakeUploadsTable, uploadRecord } from './fakeUploadsTable.js';

const dynamo = mockClient(DynamoDBDocumentClient);

describe('ProgressReporter', () => {
  let table: Map<string, UploadRecord>;
  let clock: number;
  const written = () =>
    dynamo.commandCalls(UpdateCommand).map(({ args }) => {
      const values = args[0].input.ExpressionAttributeValues ?? {};
      return [values[':p0'], values[':p1']];
    });

  beforeEach(() => {
    dynamo.reset();
    clock = 0;
    table = fakeUploadsTable(dynamo, [uploadRecord({ status: 'processing', stage: 'probe', progress: 0 })]);
    vi.spyOn(logger, 'warn').mockImplementation(() => undefined);
  });
  afterEach(() => vi.restoreAllMocks());

  const reporter = () => new ProgressReporter('u1', 'probe', { now: () => clock });

  it('writes each stage at once, at the start of its range on the 0-100 bar', async () => {
    const progress = reporter();
    await progress.stage('transcode');
    await progress.stage('thumbnails');
    await progress.stage('publish');
    expect(written()).toEqual([
      ['transcode', 5],
      ['thumbnails', 85],
      ['publish', 95],
    ]);
    expect(table.get('u1')).toMatchObject({ status: 'processing', stage: 'publish', progress: 95 });
    expect(STAGE_RANGES.transcode).toEqual([5, 85]);
  });

  it('maps progress within a stage onto its range and writes at most every 2 s and only after 5 points', async () => {
    const progress = reporter();
    await progress.stage('transcode');
    progress.report(50); // 45: 2 s have not passed
    clock = 2_000;
    progress.report(2); // 6.6 → 7: only 2 points on from 5
    progress.report(50); // 45
    await progress.settle();
    clock = 3_000;
    progress.report(100); // too soon
    clock = 4_000;
    progress.report(100); // 85
    await progress.settle();
    expect(written()).toEqual([
      ['transcode', 5],
      ['transcode', 45],
      ['transcode', 85],
    ]);
  });

  it('writes media published early onto the processing record, keeping the stage and the progress last written', async () => {
    const progress = reporter();
    await progress.stage('transcode');
    clock = 2_000;
    progress.report(50);
    const poster = { kind: 'video', posterUrl: 'https://cdn.example.com/media/u1/poster.jpg' } as const;
    await progress.reportMedia(poster);
    expect(written()).toEqual([
      ['transcode', 5],
      ['transcode', 45],
      ['transcode', 45],
    ]);
    expect(dynamo.commandCalls(UpdateCommand).at(-1)?.args[0].input).toMatchObject({
      ExpressionAttributeNames: { '#p2': 'media' },
      ExpressionAttributeValues: { ':from0': 'processing', ':to': 'processing', ':p2': poster },
    });
    expect(table.get('u1')).toMatchObject({ status: 'processing', stage: 'transcode', progress: 45, media: poster });
    clock = 4_000;
    progress.report(100);
    await progress.settle();
    expect(table.get('u1')).toMatchObject({ progress: 85, media: poster });
  });

  it('refuses to write media once the upload was cancelled, and aborts the run', async () => {
    const progress = reporter();
    table.set('u1', { ...(table.get('u1') as UploadRecord), status: 'cancelled' });
    await expect(progress.reportMedia({ kind: 'video', posterUrl: 'https://cdn.example.com/media/u1/poster.jpg' })).rejects.toBeInstanceOf(InvalidStateError);
    expect(progress.signal.aborted).toBe(true);
    expect(table.get('u1')?.media).toBeUndefined();
  });

  it('keeps going when a progress write fails for a transient reason', async () => {
    const progress = reporter();
    dynamo.on(UpdateCommand).rejectsOnce(new ProvisionedThroughputExceededException({ message: 'slow down', $metadata: {} }));
    clock = 2_000;
    progress.report(100);
    await progress.settle();
    expect(progress.signal.aborted).toBe(false);
    expect(logger.warn).toHaveBeenCalledWith('Could not write progress', expect.objectContaining({ uploadId: 'u1' }));
  });

  it('aborts its signal with the InvalidStateError when the upload was cancelled, and refuses further stages', async () => {
    const progress = reporter();
    await progress.stage('transcode');
    table.set('u1', { ...(table.get('u1') as UploadRecord), status: 'cancelled' });
    clock = 2_000;
    progress.report(60);
    await progress.settle();
    expect(progress.signal.aborted).toBe(true);
    expect(progress.signal.reason).toBeInstanceOf(InvalidStateError);
    await expect(progress.stage('publish')).rejects.toBeInstanceOf(InvalidStateError);
  });
});
