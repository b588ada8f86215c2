import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

vi.hoisted(() => {
  process.env.UPLOADS_TABLE = 'uploads-table';
  process.env.USAGE_TABLE = 'usage-table';
});

import { CancelWatch } from '../../../../lambdas/process-upload/CancelWatch.js';
import { ProgressReporter } from '../../../../lambdas/process-upload/ProgressReporter.js';
import { InvalidStateError, NotFoundError } from '../../../../lambdas/shared/errors.js';
import { logger } from '../../../../lambdas/shared/logger.js';
import type { UploadRecord } from '../../../../lambdas/shared/uploadRecord.js';
import { fakeUploadsTable, uploadRecord } from './fakeUploadsTable.js';

const dynamo = mockClient(DynamoDBDocumentClient);

describe('CancelWatch', () => {
  let table: Map<string, UploadRecord>;
  let watch: CancelWatch | undefined;

  beforeEach(() => {
    vi.useFakeTimers();
    dynamo.reset();
    table = fakeUploadsTable(dynamo, [uploadRecord({ status: 'processing', stage: 'probe', progress: 0 })]);
    vi.spyOn(logger, 'warn').mockImplementation(() => undefined);
  });
  afterEach(() => {
    watch?.stop();
    vi.useRealTimers();
    vi.restoreAllMocks();
  });

  it('leaves a run alone while its upload is processing', async () => {
    const progress = new ProgressReporter('u1', 'probe');
    watch = new CancelWatch('u1', progress, 1_000);
    await vi.advanceTimersByTimeAsync(3_000);
    expect(progress.signal.aborted).toBe(false);
  });

  it('stops a run that writes no progress once its upload is cancelled, within one interval', async () => {
    const progress = new ProgressReporter('u1', 'probe');
    watch = new CancelWatch('u1', progress, 1_000);
    table.set('u1', { ...(table.get('u1') as UploadRecord), status: 'cancelled' });
    await vi.advanceTimersByTimeAsync(1_000);
    expect(progress.signal.aborted).toBe(true);
    expect(progress.signal.reason).toBeInstanceOf(InvalidStateError);
    expect((progress.signal.reason as InvalidStateError).currentStatus).toBe('cancelled');
  });

  it('stops a run once its upload is deleted', async () => {
    const progress = new ProgressReporter('u1', 'probe');
    watch = new CancelWatch('u1', progress, 1_000);
    table.delete('u1');
    await vi.advanceTimersByTimeAsync(1_000);
    expect(progress.signal.reason).toBeInstanceOf(NotFoundError);
  });

  it('only logs a check that fails, and stops checking when stopped', async () => {
    const progress = new ProgressReporter('u1', 'probe');
    watch = new CancelWatch('u1', progress, 1_000);
    dynamo.rejects(new Error('throttled'));
    await vi.advanceTimersByTimeAsync(1_000);
    expect(progress.signal.aborted).toBe(false);
    expect(logger.warn).toHaveBeenCalledWith('Could not check whether the upload is still processing', expect.objectContaining({ uploadId: 'u1' }));
    watch.stop();
    const calls = dynamo.calls().length;
    await vi.advanceTimersByTimeAsync(5_000);
    expect(dynamo.calls()).toHaveLength(calls);
  });
});
