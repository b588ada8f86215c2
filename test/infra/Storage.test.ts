import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { Storage } from '../../lib/Storage.js';
import { USAGE_TABLE_SCHEMA } from '../../lib/usageTableSchema.js';
import { UPLOADS_TABLE_SCHEMA } from '../../lib/uploadsTableSchema.js';
import { logicalId, testStack } from './testApp.js';

function synth(props: ConstructorParameters<typeof Storage>[2] = {}) {
  const stack = testStack();
  const storage = new Storage(stack, 'Storage', props);
  const template = Template.fromStack(stack);
  const resource = (construct: Parameters<typeof logicalId>[0]) =>
    template.toJSON().Resources[logicalId(construct)] as { Properties: Record<string, any>; DeletionPolicy?: string };
  return { storage, template, resource };
}

describe('Storage', () => {
  let byDefault: ReturnType<typeof synth>;
  beforeAll(() => {
    byDefault = synth();
  });

  it('blocks every kind of public access on all three buckets', () => {
    const buckets = byDefault.template.findResources('AWS::S3::Bucket');
    expect(Object.keys(buckets)).toHaveLength(3);
    for (const bucket of Object.values(buckets)) {
      expect(bucket.Properties.PublicAccessBlockConfiguration).toEqual({
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      });
    }
  });

  it('denies every request without TLS on each bucket', () => {
    const { storage, template } = byDefault;
    for (const bucket of [storage.uploadsBucket, storage.mediaBucket, storage.accessLogsBucket]) {
      template.hasResourceProperties('AWS::S3::BucketPolicy', {
        Bucket: { Ref: logicalId(bucket) },
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Effect: 'Deny',
              Action: 's3:*',
              Principal: { AWS: '*' },
              Condition: { Bool: { 'aws:SecureTransport': 'false' } },
            }),
          ]),
        },
      });
    }
  });

  it('encrypts every bucket with S3-managed keys', () => {
    for (const bucket of Object.values(byDefault.template.findResources('AWS::S3::Bucket'))) {
      expect(bucket.Properties.BucketEncryption).toEqual({
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      });
    }
  });

  // ETag must stay exposed: without it Uppy 5 (@uppy/aws-s3) cannot read a part's ETag and hangs without an error.
  it('lets browsers PUT parts to the uploads bucket from any origin and read the ETag S3 answers with', () => {
    const cors = byDefault.resource(byDefault.storage.uploadsBucket).Properties.CorsConfiguration;
    expect(cors).toEqual({
      CorsRules: [
        {
          AllowedMethods: ['PUT', 'GET', 'HEAD'],
          AllowedOrigins: ['*'],
          AllowedHeaders: ['content-type', 'content-length', 'x-amz-checksum-crc32c', 'if-none-match'],
          ExposedHeaders: ['ETag'],
          MaxAge: 3000,
        },
      ],
    });
  });

  it('allows only the configured origins when corsOrigins is given', () => {
    const { storage, resource } = synth({ corsOrigins: ['https://app.example.com'] });
    expect(resource(storage.uploadsBucket).Properties.CorsConfiguration.CorsRules[0].AllowedOrigins).toEqual([
      'https://app.example.com',
    ]);
  });

  it('aborts incomplete multipart uploads in the uploads bucket after 2 days, or after the days given', () => {
    const rule = (props: Record<string, any>) => props.LifecycleConfiguration.Rules;
    expect(rule(byDefault.resource(byDefault.storage.uploadsBucket).Properties)).toEqual([
      { AbortIncompleteMultipartUpload: { DaysAfterInitiation: 2 }, Status: 'Enabled' },
    ]);
    const custom = synth({ abortIncompleteMultipartUploadAfter: Duration.days(5) });
    expect(rule(custom.resource(custom.storage.uploadsBucket).Properties)).toEqual([
      { AbortIncompleteMultipartUpload: { DaysAfterInitiation: 5 }, Status: 'Enabled' },
    ]);
  });

  it('keeps no object versions in the data buckets', () => {
    const { storage, resource } = byDefault;
    for (const bucket of [storage.uploadsBucket, storage.mediaBucket]) {
      expect(resource(bucket).Properties.VersioningConfiguration).toBeUndefined();
    }
  });

  it('logs access to both data buckets into the access-log bucket, which expires the logs', () => {
    const { storage, resource } = byDefault;
    for (const [bucket, prefix] of [
      [storage.uploadsBucket, 'uploads/'],
      [storage.mediaBucket, 'media/'],
    ] as const) {
      expect(resource(bucket).Properties.LoggingConfiguration).toEqual({
        DestinationBucketName: { Ref: logicalId(storage.accessLogsBucket) },
        LogFilePrefix: prefix,
      });
    }
    expect(resource(storage.accessLogsBucket).Properties.LifecycleConfiguration.Rules).toEqual([
      { ExpirationInDays: 90, Status: 'Enabled' },
    ]);
  });

  it('builds the Uploads table on demand, with point-in-time recovery, encryption and the schema keys', () => {
    byDefault.template.hasResourceProperties('AWS::DynamoDB::Table', {
      BillingMode: 'PAY_PER_REQUEST',
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      SSESpecification: { SSEEnabled: true },
      KeySchema: [{ AttributeName: UPLOADS_TABLE_SCHEMA.partitionKey.name, KeyType: 'HASH' }],
    });
  });

  it('creates every GSI of the shared schema with its partition and sort keys', () => {
    const table = byDefault.resource(byDefault.storage.table).Properties;
    const indexes = UPLOADS_TABLE_SCHEMA.globalSecondaryIndexes;
    expect(table.GlobalSecondaryIndexes).toHaveLength(indexes.length);
    for (const index of indexes) {
      expect(table.GlobalSecondaryIndexes).toContainEqual({
        IndexName: index.indexName,
        KeySchema: [
          { AttributeName: index.partitionKey.name, KeyType: 'HASH' },
          { AttributeName: index.sortKey.name, KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
      });
      expect(table.AttributeDefinitions).toContainEqual({ AttributeName: index.sortKey.name, AttributeType: index.sortKey.type });
    }
  });

  it('builds the Usage table like the Uploads table, keyed by owner and without indexes', () => {
    const table = byDefault.resource(byDefault.storage.usageTable).Properties;
    expect(table).toMatchObject({
      BillingMode: 'PAY_PER_REQUEST',
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      SSESpecification: { SSEEnabled: true },
      KeySchema: [{ AttributeName: USAGE_TABLE_SCHEMA.partitionKey.name, KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: 'ownerId', AttributeType: 'S' }],
    });
    expect(table.GlobalSecondaryIndexes).toBeUndefined();
  });

  it('retains data and protects the tables from deletion by default', () => {
    const { storage, resource } = byDefault;
    for (const table of [storage.table, storage.usageTable]) {
      expect(resource(table).DeletionPolicy).toBe('Retain');
      expect(resource(table).Properties.DeletionProtectionEnabled).toBe(true);
    }
    expect(resource(storage.uploadsBucket).DeletionPolicy).toBe('Retain');
    expect(byDefault.template.findResources('Custom::S3AutoDeleteObjects')).toEqual({});
  });

  it('deletes the tables and empties and deletes the buckets with RemovalPolicy.DESTROY', () => {
    const { storage, template, resource } = synth({ removalPolicy: RemovalPolicy.DESTROY });
    for (const table of [storage.table, storage.usageTable]) {
      expect(resource(table).DeletionPolicy).toBe('Delete');
      expect(resource(table).Properties.DeletionProtectionEnabled).toBe(false);
    }
    for (const bucket of [storage.uploadsBucket, storage.mediaBucket, storage.accessLogsBucket]) {
      expect(resource(bucket).DeletionPolicy).toBe('Delete');
      template.hasResourceProperties('Custom::S3AutoDeleteObjects', { BucketName: { Ref: logicalId(bucket) } });
    }
  });
});
