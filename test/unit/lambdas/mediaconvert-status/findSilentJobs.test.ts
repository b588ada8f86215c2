import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it, vi } from 'vitest';

vi.hoisted(() => {
  process.env.UPLOADS_TABLE = 'uploads-table';
});

import { findSilentJobs } from '../../../../lambdas/mediaconvert-status/findSilentJobs.js';
import { uploadRecord } from '../../support/uploadRecord.js';

const dynamo = mockClient(DynamoDBDocumentClient);

describe('findSilentJobs', () => {
  beforeEach(() => dynamo.reset());

  it('asks the sparse byRunningJob index for uploads with a MediaConvert job not written since the given time, least recently written first, one page of at most max', async () => {
    const silent = [uploadRecord({ status: 'processing', runningJob: 'mediaconvert', updatedAt: '2025-03-01T10:00:00.000Z' })];
    dynamo.on(QueryCommand).resolves({ Items: silent, LastEvaluatedKey: { uploadId: 'next' } });

    await expect(findSilentJobs(new Date('2025-03-01T11:30:00.000Z'), 50)).resolves.toEqual(silent);

    expect(dynamo).toHaveReceivedCommandExactlyOnceWith(QueryCommand, {
      TableName: 'uploads-table',
      IndexName: 'byRunningJob',
      KeyConditionExpression: '#runningJob = :mediaconvert AND #updatedAt < :before',
      ExpressionAttributeNames: { '#runningJob': 'runningJob', '#updatedAt': 'updatedAt' },
      ExpressionAttributeValues: { ':mediaconvert': 'mediaconvert', ':before': '2025-03-01T11:30:00.000Z' },
      Limit: 50,
    });
    const input = dynamo.commandCalls(QueryCommand)[0]?.args[0].input;
    expect(input?.ScanIndexForward).not.toBe(false);
  });

  it('answers an empty list when the index holds none', async () => {
    dynamo.on(QueryCommand).resolves({});
    await expect(findSilentJobs(new Date('2025-03-01T11:30:00.000Z'), 50)).resolves.toEqual([]);
  });
});
