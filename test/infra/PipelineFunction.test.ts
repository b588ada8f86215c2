import { Aspects, type Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { AttributeType, Table } from 'aws-cdk-lib/aws-dynamodb';
import { Architecture } from 'aws-cdk-lib/aws-lambda';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_UPLOAD_POLICY } from '../../lambdas/shared/mediaPolicy.js';
import { PipelineFunction } from '../../lib/PipelineFunction.js';
import { logicalId, testStack } from './testApp.js';

interface Fixture {
  readonly stack: Stack;
  readonly uploads: Bucket;
  readonly media: Bucket;
  readonly table: Table;
}

function fixture(): Fixture {
  const stack = testStack();
  const table = new Table(stack, 'Table', { partitionKey: { name: 'uploadId', type: AttributeType.STRING } });
  table.addGlobalSecondaryIndex({ indexName: 'byOwner', partitionKey: { name: 'ownerId', type: AttributeType.STRING } });
  return { stack, table, uploads: new Bucket(stack, 'Uploads'), media: new Bucket(stack, 'Media') };
}

const getAtt = (construct: Parameters<typeof logicalId>[0]) => ({ 'Fn::GetAtt': [logicalId(construct), 'Arn'] });
const under = (construct: Parameters<typeof logicalId>[0], pattern: string) => ({
  'Fn::Join': ['', [getAtt(construct), pattern]],
});

/** The statements of the function's own policy. */
function statements(template: Template, fn: PipelineFunction): Array<Record<string, unknown>> {
  const policy = template.toJSON().Resources[logicalId(fn.role.node.findChild('DefaultPolicy'))];
  return policy.Properties.PolicyDocument.Statement;
}

describe('PipelineFunction', () => {
  let plain: { template: Template; fn: PipelineFunction };
  beforeAll(() => {
    const { stack } = fixture();
    const fn = new PipelineFunction(stack, 'Fn', { handlerDir: 'get-upload' });
    plain = { template: Template.fromStack(stack), fn };
  });

  it('runs the handler on the newest Node.js runtime, arm64, traced, with JSON logs and source maps', () => {
    plain.template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x',
      Handler: 'index.handler',
      Architectures: ['arm64'],
      TracingConfig: { Mode: 'Active' },
      Timeout: 10,
      MemorySize: 512,
      LoggingConfig: { LogFormat: 'JSON', ApplicationLogLevel: 'INFO', LogGroup: { Ref: logicalId(plain.fn.logGroup) } },
      Environment: { Variables: { POWERTOOLS_SERVICE_NAME: 'media-pipeline', NODE_OPTIONS: '--enable-source-maps' } },
    });
  });

  it('logs to its own log group with a one-month retention', () => {
    plain.template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 30 });
  });

  it('has a role without managed policies that may write only to its log group (and X-Ray)', () => {
    const role = plain.template.toJSON().Resources[logicalId(plain.fn.role)];
    expect(role.Properties.ManagedPolicyArns).toBeUndefined();
    expect(statements(plain.template, plain.fn)).toEqual([
      { Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Effect: 'Allow', Resource: getAtt(plain.fn.logGroup) },
      { Action: ['xray:PutTelemetryRecords', 'xray:PutTraceSegments'], Effect: 'Allow', Resource: '*' },
    ]);
  });

  it('lets the architecture, memory and timeout be overridden', () => {
    const { stack } = fixture();
    new PipelineFunction(stack, 'Fn', { handlerDir: 'get-upload', architecture: Architecture.X86_64, memorySize: 2048 });
    Template.fromStack(stack).hasResourceProperties('AWS::Lambda::Function', {
      Architectures: ['x86_64'],
      MemorySize: 2048,
    });
  });

  describe('bindUploadsTable', () => {
    it("with 'read' sets UPLOADS_TABLE and grants only reads on the table and its indexes", () => {
      const { stack, table } = fixture();
      const fn = new PipelineFunction(stack, 'Fn', { handlerDir: 'get-upload' }).bindUploadsTable(table, 'read');
      const template = Template.fromStack(stack);
      template.hasResourceProperties('AWS::Lambda::Function', {
        Environment: { Variables: Match.objectLike({ UPLOADS_TABLE: { Ref: logicalId(table) } }) },
      });
      expect(statements(template, fn)).toContainEqual({
        Action: [
          'dynamodb:BatchGetItem',
          'dynamodb:ConditionCheckItem',
          'dynamodb:DescribeTable',
          'dynamodb:GetItem',
          'dynamodb:GetRecords',
          'dynamodb:GetShardIterator',
          'dynamodb:Query',
          'dynamodb:Scan',
        ],
        Effect: 'Allow',
        Resource: [getAtt(table), under(table, '/index/*')],
      });
      expect(JSON.stringify(statements(template, fn))).not.toMatch(/PutItem|UpdateItem|DeleteItem/);
    });

    it.each([
      ['read+put', ['dynamodb:PutItem']],
      ['read+update', ['dynamodb:UpdateItem']],
      ['read+update+delete', ['dynamodb:DeleteItem', 'dynamodb:UpdateItem']],
    ] as const)("with '%s' also grants exactly the item writes %j, and no batch writes", (access, writes) => {
      const { stack, table } = fixture();
      const fn = new PipelineFunction(stack, 'Fn', { handlerDir: 'get-upload' }).bindUploadsTable(table, access);
      const actions = statements(Template.fromStack(stack), fn).flatMap((statement) => statement.Action as string[]);
      expect(actions).toContain('dynamodb:GetItem');
      expect(actions.filter((action) => /Item$/.test(action) && !/(Get|ConditionCheck)Item$/.test(action)).sort()).toEqual(writes);
    });
  });

  it('bindUsageTable sets USAGE_TABLE and grants only GetItem and UpdateItem on that table', () => {
    const { stack } = fixture();
    const usage = new Table(stack, 'Usage', { partitionKey: { name: 'ownerId', type: AttributeType.STRING } });
    const fn = new PipelineFunction(stack, 'Fn', { handlerDir: 'create-upload' }).bindUsageTable(usage);
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ USAGE_TABLE: { Ref: logicalId(usage) } }) },
    });
    expect(statements(template, fn)).toContainEqual({
      Action: ['dynamodb:GetItem', 'dynamodb:UpdateItem'],
      Effect: 'Allow',
      Resource: getAtt(usage),
    });
    expect(JSON.stringify(statements(template, fn))).not.toMatch(/PutItem|DeleteItem|Query|Scan|Batch/);
  });

  describe('bindUploadsBucket', () => {
    it.each([
      ['read', ['s3:GetObject']],
      ['expire', ['s3:AbortMultipartUpload', 's3:GetObject']],
      ['multipart', ['s3:AbortMultipartUpload', 's3:GetObject', 's3:ListMultipartUploadParts', 's3:PutObject']],
      [
        'multipart+delete',
        ['s3:AbortMultipartUpload', 's3:DeleteObject', 's3:GetObject', 's3:ListMultipartUploadParts', 's3:PutObject'],
      ],
    ] as const)("with '%s' grants exactly %j on originals, and listing so a missing one is a 404", (access, actions) => {
      const { stack, uploads } = fixture();
      const fn = new PipelineFunction(stack, 'Fn', { handlerDir: 'get-upload' }).bindUploadsBucket(uploads, access);
      const template = Template.fromStack(stack);
      template.hasResourceProperties('AWS::Lambda::Function', {
        Environment: { Variables: Match.objectLike({ UPLOADS_BUCKET: { Ref: logicalId(uploads) } }) },
      });
      const s3 = statements(template, fn).filter((statement) => JSON.stringify(statement.Action).includes('s3:'));
      expect(s3).toEqual([
        {
          Action: actions.length === 1 ? actions[0] : actions,
          Effect: 'Allow',
          Resource: under(uploads, '/uploads/*/source'),
        },
        { Action: 's3:ListBucket', Effect: 'Allow', Resource: getAtt(uploads) },
      ]);
    });
  });

  describe('bindMediaBucket', () => {
    it("with 'delete' grants DeleteObject on outputs and ListBucket under media/ only", () => {
      const { stack, media } = fixture();
      const fn = new PipelineFunction(stack, 'Fn', { handlerDir: 'get-upload' }).bindMediaBucket(media, 'delete');
      const template = Template.fromStack(stack);
      template.hasResourceProperties('AWS::Lambda::Function', {
        Environment: { Variables: Match.objectLike({ MEDIA_BUCKET: { Ref: logicalId(media) } }) },
      });
      const s3 = statements(template, fn).filter((statement) => JSON.stringify(statement.Action).includes('s3:'));
      expect(s3).toEqual([
        { Action: 's3:DeleteObject', Effect: 'Allow', Resource: under(media, '/media/*/*') },
        {
          Action: 's3:ListBucket',
          Effect: 'Allow',
          Resource: getAtt(media),
          Condition: { StringLike: { 's3:prefix': ['media/*/*'] } },
        },
      ]);
    });

    it("with 'write' grants PutObject and multipart aborts on outputs only", () => {
      const { stack, media } = fixture();
      const fn = new PipelineFunction(stack, 'Fn', { handlerDir: 'get-upload' }).bindMediaBucket(media, 'write');
      const s3 = statements(Template.fromStack(stack), fn).filter((statement) => JSON.stringify(statement.Action).includes('s3:'));
      expect(s3).toEqual([
        { Action: ['s3:AbortMultipartUpload', 's3:PutObject'], Effect: 'Allow', Resource: under(media, '/media/*/*') },
      ]);
    });
  });

  it('bindUploadPolicy passes the policy as UPLOAD_POLICY JSON', () => {
    const { stack } = fixture();
    new PipelineFunction(stack, 'Fn', { handlerDir: 'get-upload' }).bindUploadPolicy(DEFAULT_UPLOAD_POLICY);
    Template.fromStack(stack).hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ UPLOAD_POLICY: JSON.stringify(DEFAULT_UPLOAD_POLICY) }) },
    });
  });

  it('acknowledges exactly the wildcard findings its own grants create, so cdk-nag reports nothing', () => {
    const { stack, table, uploads, media } = fixture();
    const usage = new Table(stack, 'Usage', { partitionKey: { name: 'ownerId', type: AttributeType.STRING } });
    new PipelineFunction(stack, 'Fn', { handlerDir: 'get-upload' })
      .bindUploadsTable(table, 'read+update+delete')
      .bindUsageTable(usage)
      .bindUploadsBucket(uploads, 'multipart+delete')
      .bindMediaBucket(media, 'delete');
    Aspects.of(stack).add(new AwsSolutionsChecks());
    // Only the function's own resources: the fixture's bare buckets have findings of their own.
    const findings = Annotations.fromStack(stack)
      .findError('*', Match.stringLikeRegexp('AwsSolutions-.*'))
      .filter((finding) => finding.id.startsWith('/Test/Fn/'));
    expect(findings.map((finding) => `${finding.id}: ${String(finding.entry.data)}`)).toEqual([]);
  });
});
