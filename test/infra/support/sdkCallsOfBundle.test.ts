import { describe, expect, it } from 'vitest';
import { isErrorExport, sdkCallsIn } from './sdkCallsOfBundle.js';

const calls = (text: string) => sdkCallsIn('lambdas/x.ts', text).map(({ module, name, at }) => `${module} ${name} ${at}`);

describe('sdkCallsIn (what the least-privilege test counts as an SDK call)', () => {
  it('finds constructed commands by the name they are exported as, aliased or through a namespace', () => {
    const text = [
      "import { GetObjectCommand as Get, S3Client } from '@aws-sdk/client-s3';",
      "import * as ddb from '@aws-sdk/lib-dynamodb';",
      'const s3 = new S3Client({});',
      "await s3.send(new Get({ Bucket: 'b', Key: 'k' }));",
      "await doc.send(new ddb.UpdateCommand({ TableName: 't', Key: {} }));",
    ].join('\n');
    expect(calls(text)).toEqual([
      '@aws-sdk/client-s3 GetObjectCommand lambdas/x.ts:4',
      '@aws-sdk/lib-dynamodb UpdateCommand lambdas/x.ts:5',
    ]);
  });

  it('counts paginators and presigned commands, but not clients, getSignedUrl or type-only imports', () => {
    const text = [
      "import { paginateListObjectsV2, UploadPartCommand, type ListPartsCommand } from '@aws-sdk/client-s3';",
      "import { getSignedUrl } from '@aws-sdk/s3-request-presigner';",
      "import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';",
      "import type { PutObjectCommand } from '@aws-sdk/client-s3';",
      'DynamoDBDocumentClient.from(client);',
      "for await (const page of paginateListObjectsV2({ client }, { Bucket: 'b' })) {}",
      "await getSignedUrl(s3, new UploadPartCommand({ Bucket: 'b', Key: 'k', UploadId: 'u', PartNumber: 1 }));",
    ].join('\n');
    expect(calls(text)).toEqual([
      '@aws-sdk/client-s3 paginateListObjectsV2 lambdas/x.ts:6',
      '@aws-sdk/client-s3 UploadPartCommand lambdas/x.ts:7',
    ]);
  });

  it('reports other ways of reaching AWS, so the table has to learn them', () => {
    const text = [
      "import { Upload } from '@aws-sdk/lib-storage';",
      "import { S3 } from '@aws-sdk/client-s3';",
      'new Upload({ client, params: {} });',
      'new S3({});',
      "const sdk = await import('@aws-sdk/client-sqs');",
    ].join('\n');
    expect(calls(text)).toEqual([
      '@aws-sdk/lib-storage Upload lambdas/x.ts:3',
      '@aws-sdk/client-s3 S3 lambdas/x.ts:4',
      '@aws-sdk/client-sqs import() lambdas/x.ts:5',
    ]);
  });

  it('tells error classes, which send nothing when constructed, from calls', async () => {
    await expect(isErrorExport({ module: '@aws-sdk/client-s3', name: 'NoSuchKey' })).resolves.toBe(true);
    await expect(isErrorExport({ module: '@aws-sdk/client-dynamodb', name: 'ConditionalCheckFailedException' })).resolves.toBe(true);
    await expect(isErrorExport({ module: '@aws-sdk/client-s3', name: 'S3' })).resolves.toBe(false);
  });
});
