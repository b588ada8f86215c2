import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it, vi } from 'vitest';

vi.hoisted(() => {
  process.env.UPLOADS_TABLE = 'uploads-table';
});

import { NotFoundError } from '../../../../lambdas/shared/errors.js';
import { getUploadRecord } from '../../../../lambdas/shared/getUploadRecord.js';
import type { UploadRecord } from '../../../../lambdas/shared/uploadRecord.js';

const dynamo = mockClient(DynamoDBDocumentClient);

const stored = { uploadId: 'u1', ownerId: 'owner-1', status: 'ready' } as UploadRecord;

describe('getUploadRecord', () => {
  beforeEach(() => {
    dynamo.reset();
  });

  it('reads the record with a consistent read', async () => {
    dynamo.on(GetCommand).resolves({ Item: stored });

    await expect(getUploadRecord('u1', 'owner-1')).resolves.toEqual(stored);
    expect(dynamo).toHaveReceivedCommandExactlyOnceWith(GetCommand, {
      TableName: 'uploads-table',
      Key: { uploadId: 'u1' },
      ConsistentRead: true,
    });
  });

  it('returns any owner’s record when no owner is given (for the event-driven functions)', async () => {
    dynamo.on(GetCommand).resolves({ Item: stored });

    await expect(getUploadRecord('u1')).resolves.toEqual(stored);
  });

  it('reports a missing upload as NotFoundError 404 naming the id', async () => {
    dynamo.on(GetCommand).resolves({});

    await expect(getUploadRecord('u1', 'owner-1')).rejects.toMatchObject({
      name: 'NotFoundError',
      statusCode: 404,
      code: 'NOT_FOUND',
      message: 'Upload u1 was not found',
    });
  });

  it("reports another owner's upload exactly like a missing one", async () => {
    dynamo.on(GetCommand).resolves({});
    const missing = await getUploadRecord('u1', 'owner-2').catch((error: unknown) => error);
    dynamo.on(GetCommand).resolves({ Item: stored });
    const foreign = await getUploadRecord('u1', 'owner-2').catch((error: unknown) => error);

    expect(foreign).toBeInstanceOf(NotFoundError);
    expect(foreign).toEqual(missing);
    expect((foreign as NotFoundError).message).toBe((missing as NotFoundError).message);
  });
});
