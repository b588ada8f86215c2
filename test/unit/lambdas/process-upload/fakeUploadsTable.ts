import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, type UpdateCommandInput, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { AwsStub } from 'aws-sdk-client-mock';
import type { UploadRecord } from '../../../../lambdas/shared/uploadRecord.js';

// The stub of a DynamoDBDocumentClient; its command types are not what this fake checks.
type DocumentStub = AwsStub<any, any, any>;

/**
 * An in-memory Uploads table behind the mocked document client: GetCommand reads it and
 * UpdateCommand applies `transition`'s conditional update (status in `:from*`, SET of `:to` and
 * the patch placeholders, REMOVE of the patch names without a value and of `media`), failing the condition
 * like DynamoDB. Tests assert on the records and on the commands sent.
 */
export function fakeUploadsTable(dynamo: DocumentStub, records: readonly UploadRecord[]): Map<string, UploadRecord> {
  const table = new Map(records.map((record) => [record.uploadId, { ...record }]));
  dynamo.on(GetCommand).callsFake(async (input: { Key: { uploadId: string } }) => {
    const item = table.get(input.Key.uploadId);
    return { Item: item ? { ...item } : undefined };
  });
  dynamo.on(UpdateCommand).callsFake(async (input: UpdateCommandInput) => {
    const uploadId = (input.Key as { uploadId: string }).uploadId;
    const values = input.ExpressionAttributeValues ?? {};
    const names = input.ExpressionAttributeNames ?? {};
    const current = table.get(uploadId);
    const from = Object.entries(values)
      .filter(([key]) => key.startsWith(':from'))
      .map(([, value]) => value);
    if (!current || !from.includes(current.status)) {
      throw new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} });
    }
    const next: Record<string, unknown> = { ...current, status: values[':to'], updatedAt: values[':now'], writeId: values[':writeId'] };
    for (const [placeholder, field] of Object.entries(names)) {
      const match = /^#p(\d+)$/.exec(placeholder);
      if (field === 'pendingExpiry') delete next.pendingExpiry;
      if (placeholder === '#media') delete next.media;
      if (!match) continue;
      const value = values[`:p${match[1]}`];
      if (value === undefined) delete next[field];
      else next[field] = value;
    }
    table.set(uploadId, next as unknown as UploadRecord);
    return { Attributes: { ...next } };
  });
  return table;
}

export function uploadRecord(overrides: Partial<UploadRecord> = {}): UploadRecord {
  const uploadId = overrides.uploadId ?? 'u1';
  return {
    uploadId,
    ownerId: 'owner-1',
    status: 'uploaded',
    filename: 'clip.mp4',
    contentType: 'video/mp4',
    kind: 'video',
    size: 1234,
    partSize: 5_242_880,
    partCount: 1,
    sourceKey: `uploads/${uploadId}/source`,
    createdAt: '2025-03-01T10:00:00.000Z',
    updatedAt: '2025-03-01T10:05:00.000Z',
    expiresAt: '2025-03-02T10:00:00.000Z',
    ...overrides,
  };
}
