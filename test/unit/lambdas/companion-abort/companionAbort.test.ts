import { AbortMultipartUploadCommand, DeleteObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it, vi } from 'vitest';

vi.hoisted(() => {
  process.env.UPLOADS_TABLE = 'uploads-table';
  process.env.USAGE_TABLE = 'usage-table';
  process.env.UPLOADS_BUCKET = 'uploads-bucket';
});

import { handler } from '../../../../lambdas/companion-abort/handler.js';
import { UPLOAD_STATUSES, type UploadRecord } from '../../../../lambdas/shared/uploadRecord.js';
import { apiEvent } from '../../support/apiEvent.js';
import { lambdaContext } from '../../support/lambdaContext.js';
import { uploadRecord } from '../../support/uploadRecord.js';

const s3 = mockClient(S3Client);
const dynamo = mockClient(DynamoDBDocumentClient);
const ID = '0b8f6a52-3c1e-4d2a-9f7b-5e6d7c8b9a01';
const UPLOADS = { TableName: 'uploads-table' };

async function abort(key: string = ID) {
  const response = (await handler(
    apiEvent({ method: 'DELETE', route: '/s3/multipart/{id}', pathParameters: { id: ID }, query: { key }, sub: 'owner-1' }),
    lambdaContext(),
  )) as { statusCode: number; body: string };
  return { statusCode: response.statusCode, body: JSON.parse(response.body) as any };
}

describe('DELETE /s3/multipart/{id} (Companion abort)', () => {
  beforeEach(() => {
    s3.reset();
    dynamo.reset();
    s3.on(AbortMultipartUploadCommand).resolves({});
    s3.on(DeleteObjectCommand).resolves({});
    dynamo.on(GetCommand, { TableName: 'usage-table' }).resolves({});
  });

  it('cancels an initiated upload only from initiated, then aborts its multipart upload and drops any original, answering {}', async () => {
    dynamo.on(GetCommand, UPLOADS).resolves({ Item: uploadRecord() });
    dynamo.on(UpdateCommand, UPLOADS).resolves({ Attributes: uploadRecord({ status: 'cancelled' }) });

    expect(await abort()).toEqual({ statusCode: 200, body: {} });

    const update = dynamo.commandCalls(UpdateCommand, UPLOADS)[0]!.args[0].input;
    expect(update.ExpressionAttributeValues).toMatchObject({ ':to': 'cancelled', ':from0': 'initiated', ':ownerId': 'owner-1' });
    expect(update.ConditionExpression).toBe('#status IN (:from0) AND #ownerId = :ownerId AND attribute_not_exists(#completingSince)');
    expect(s3).toHaveReceivedCommandWith(AbortMultipartUploadCommand, { Bucket: 'uploads-bucket', Key: `uploads/${ID}/source`, UploadId: 'mpu-1' });
    expect(s3).toHaveReceivedCommandWith(DeleteObjectCommand, { Bucket: 'uploads-bucket', Key: `uploads/${ID}/source` });
  });

  it.each(UPLOAD_STATUSES.filter((status) => status !== 'initiated' && status !== 'cancelled'))(
    'changes nothing on a %s upload (Uppy sends DELETE after any error): 409 INVALID_STATE',
    async (status) => {
      dynamo.on(GetCommand, UPLOADS).resolves({ Item: uploadRecord({ status }) });

      const response = await abort();

      expect(response.statusCode).toBe(409);
      expect(response.body.message).toBe(
        `Upload ${ID} is ${status}; DELETE /s3/multipart only cancels an initiated upload (DELETE /uploads/${ID} removes it)`,
      );
      expect(dynamo).not.toHaveReceivedCommand(UpdateCommand);
      expect(s3.calls()).toHaveLength(0);
    },
  );

  it('answers {} again for a cancelled upload, changing nothing', async () => {
    dynamo.on(GetCommand, UPLOADS).resolves({ Item: uploadRecord({ status: 'cancelled' }) });

    expect(await abort()).toEqual({ statusCode: 200, body: {} });
    expect(dynamo).not.toHaveReceivedCommand(UpdateCommand);
    expect(s3.calls()).toHaveLength(0);
  });

  it('loses to a complete that moved the upload on since the read: 409, and S3 is left alone', async () => {
    dynamo.on(GetCommand, UPLOADS)
      .resolvesOnce({ Item: uploadRecord() })
      .resolves({ Item: uploadRecord({ status: 'uploaded' } satisfies Partial<UploadRecord>) });
    dynamo.on(UpdateCommand, UPLOADS).rejects(new ConditionalCheckFailedException({ message: 'no', $metadata: {} }));

    const response = await abort();

    expect(response.statusCode).toBe(409);
    expect(response.body.error.code).toBe('INVALID_STATE');
    expect(s3.calls()).toHaveLength(0);
  });

  it('changes nothing on an upload whose complete handed it to S3 (Uppy sends DELETE when that complete times out at the gateway): 409', async () => {
    dynamo.on(GetCommand, UPLOADS).resolves({ Item: uploadRecord({ completingSince: '2025-03-01T12:05:00.000Z' }) });

    const response = await abort();

    expect(response.statusCode).toBe(409);
    expect(response.body.message).toBe(
      `Upload ${ID} is being completed since 2025-03-01T12:05:00.000Z; GET /uploads/${ID} says how that ends (DELETE /uploads/${ID} removes it)`,
    );
    expect(dynamo).not.toHaveReceivedCommand(UpdateCommand);
    expect(s3.calls()).toHaveLength(0);
  });

  it('loses to a complete that started since the read: the cancel is conditional on no complete under way, and S3 is left alone', async () => {
    dynamo.on(GetCommand, UPLOADS)
      .resolvesOnce({ Item: uploadRecord() })
      .resolves({ Item: uploadRecord({ completingSince: '2025-03-01T12:05:00.000Z' }) });
    dynamo.on(UpdateCommand, UPLOADS).rejects(new ConditionalCheckFailedException({ message: 'no', $metadata: {} }));

    const response = await abort();

    expect(response.statusCode).toBe(409);
    expect(response.body.error.code).toBe('INVALID_STATE');
    expect(dynamo.commandCalls(UpdateCommand, UPLOADS)[0]!.args[0].input.ConditionExpression).toContain('attribute_not_exists(#completingSince)');
    expect(s3.calls()).toHaveLength(0);
  });

  it('answers a wrong key 400 INVALID_KEY, reading and changing nothing', async () => {
    const response = await abort('x');

    expect(response.statusCode).toBe(400);
    expect(dynamo.calls()).toHaveLength(0);
    expect(s3.calls()).toHaveLength(0);
  });
});
