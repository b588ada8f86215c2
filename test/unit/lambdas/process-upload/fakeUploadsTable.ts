import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, type UpdateCommandInput, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { AwsStub } from 'aws-sdk-client-mock';
import type { UploadRecord } from '../../../../lambdas/shared/uploadRecord.js';

// The stub of a DynamoDBDocumentClient; its command types are not what this fake checks.
type DocumentStub = AwsStub<any, any, any>;

/**
 * An in-memory Uploads table behind the mocked document client: GetCommand reads it and
 * UpdateCommand applies `transition`'s conditional update (its SET, REMOVE and ADD clauses)
 * when its condition holds: status in `:from*`, and, when given, the owner, the last write
 * (`:ifWriteId`) and progress below `:ifProgressBelow`; otherwise it fails like DynamoDB.
 * Tests assert on the records and on the commands sent.
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
    if (!current || !conditionHolds(current, values)) {
      throw new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} });
    }
    const next: Record<string, unknown> = { ...current };
    const { set, remove, add } = clauses(input.UpdateExpression ?? '');
    for (const assignment of set) {
      const [name, value] = assignment.split('=').map((part) => part.trim()) as [string, string];
      next[names[name] as string] = values[value];
    }
    for (const name of remove) delete next[names[name] as string];
    for (const addition of add) {
      const [name, value] = addition.split(' ') as [string, string];
      const field = names[name] as string;
      next[field] = ((next[field] as number | undefined) ?? 0) + (values[value] as number);
    }
    table.set(uploadId, next as unknown as UploadRecord);
    return { Attributes: { ...next } };
  });
  return table;
}

function conditionHolds(current: UploadRecord, values: Record<string, unknown>): boolean {
  const from = Object.entries(values)
    .filter(([key]) => key.startsWith(':from'))
    .map(([, value]) => value);
  if (!from.includes(current.status)) return false;
  if (':ownerId' in values && current.ownerId !== values[':ownerId']) return false;
  if (':ifWriteId' in values && current.writeId !== values[':ifWriteId']) return false;
  if (':ifProgressBelow' in values && current.progress !== undefined && current.progress >= (values[':ifProgressBelow'] as number)) return false;
  return true;
}

/** `SET a = :a, b = :b REMOVE c, d ADD e :e` split into its clauses' items. */
function clauses(expression: string): { set: string[]; remove: string[]; add: string[] } {
  const found = { set: [] as string[], remove: [] as string[], add: [] as string[] };
  for (const match of expression.matchAll(/(SET|REMOVE|ADD) (.*?)(?= (?:SET|REMOVE|ADD) |$)/g)) {
    const key = (match[1] as string).toLowerCase() as keyof typeof found;
    found[key] = (match[2] as string).split(',').map((item) => item.trim());
  }
  return found;
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
