import { Aspects, Duration, type Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { Distribution } from 'aws-cdk-lib/aws-cloudfront';
import { S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import { AttributeType, StreamViewType, Table } from 'aws-cdk-lib/aws-dynamodb';
import { Architecture, StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
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
      Environment: { Variables: { POWERTOOLS_SERVICE_NAME: 'media-pipeline' } },
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
    it('sets UPLOADS_TABLE and grants each item operation its one action, on the table alone', () => {
      const { stack, table } = fixture();
      const fn = new PipelineFunction(stack, 'Fn', { handlerDir: 'get-upload' }).bindUploadsTable(table, { items: ['get', 'update'] });
      const template = Template.fromStack(stack);
      template.hasResourceProperties('AWS::Lambda::Function', {
        Environment: { Variables: Match.objectLike({ UPLOADS_TABLE: { Ref: logicalId(table) } }) },
      });
      expect(statements(template, fn)).toContainEqual({
        Action: ['dynamodb:GetItem', 'dynamodb:UpdateItem'],
        Effect: 'Allow',
        Resource: getAtt(table),
      });
      expect(JSON.stringify(statements(template, fn))).not.toMatch(/Scan|Query|Batch|PutItem|DeleteItem|index/);
    });

    it.each([
      ['batchGet', 'dynamodb:BatchGetItem'],
      ['put', 'dynamodb:PutItem'],
      ['delete', 'dynamodb:DeleteItem'],
    ] as const)("grants '%s' as %s", (operation, action) => {
      const { stack, table } = fixture();
      const fn = new PipelineFunction(stack, 'Fn', { handlerDir: 'get-upload' }).bindUploadsTable(table, { items: [operation] });
      expect(statements(Template.fromStack(stack), fn)).toContainEqual({ Action: action, Effect: 'Allow', Resource: getAtt(table) });
    });

    it('grants Query on the named index only, and nothing on the table itself', () => {
      const { stack, table } = fixture();
      const fn = new PipelineFunction(stack, 'Fn', { handlerDir: 'get-upload' }).bindUploadsTable(table, { queries: ['byOwner'] });
      const dynamo = statements(Template.fromStack(stack), fn).filter((statement) => JSON.stringify(statement.Action).includes('dynamodb:'));
      expect(dynamo).toEqual([{ Action: 'dynamodb:Query', Effect: 'Allow', Resource: under(table, '/index/byOwner') }]);
    });

    it('refuses an empty access and a malformed index name at synth', () => {
      const { stack, table } = fixture();
      const fn = new PipelineFunction(stack, 'Fn', { handlerDir: 'get-upload' });
      expect(() => fn.bindUploadsTable(table, {})).toThrow('Test/Fn: bindUploadsTable needs at least one item operation or index to query');
      expect(() => fn.bindUploadsTable(table, { queries: ['*'] })).toThrow('Test/Fn: not a DynamoDB index name: "*"');
    });
  });

  describe('bindUsageTable', () => {
    it('sets USAGE_TABLE and grants the action of each item operation it names, on that table alone', () => {
      const { stack } = fixture();
      const usage = new Table(stack, 'Usage', { partitionKey: { name: 'ownerId', type: AttributeType.STRING } });
      const fn = new PipelineFunction(stack, 'Fn', { handlerDir: 'create-upload' }).bindUsageTable(usage, ['get', 'update']);
      const template = Template.fromStack(stack);
      template.hasResourceProperties('AWS::Lambda::Function', {
        Environment: { Variables: Match.objectLike({ USAGE_TABLE: { Ref: logicalId(usage) } }) },
      });
      const dynamo = statements(template, fn).filter((statement) => JSON.stringify(statement.Action).includes('dynamodb:'));
      expect(dynamo).toEqual([{ Action: ['dynamodb:GetItem', 'dynamodb:UpdateItem'], Effect: 'Allow', Resource: getAtt(usage) }]);
    });

    it('refuses an empty list of operations at synth', () => {
      const { stack } = fixture();
      const usage = new Table(stack, 'Usage', { partitionKey: { name: 'ownerId', type: AttributeType.STRING } });
      const fn = new PipelineFunction(stack, 'Fn', { handlerDir: 'create-upload' });
      expect(() => fn.bindUsageTable(usage, [])).toThrow('Test/Fn: bindUsageTable needs at least one item operation');
    });
  });

  describe('bindUploadsBucket', () => {
    it.each([
      ['write', 's3:PutObject'],
      ['read', 's3:GetObject'],
      ['listParts', 's3:ListMultipartUploadParts'],
      ['abort', 's3:AbortMultipartUpload'],
      ['delete', 's3:DeleteObject'],
    ] as const)("sets UPLOADS_BUCKET and grants '%s' as %s on originals only", (operation, action) => {
      const { stack, uploads } = fixture();
      const fn = new PipelineFunction(stack, 'Fn', { handlerDir: 'get-upload' }).bindUploadsBucket(uploads, [operation]);
      const template = Template.fromStack(stack);
      template.hasResourceProperties('AWS::Lambda::Function', {
        Environment: { Variables: Match.objectLike({ UPLOADS_BUCKET: { Ref: logicalId(uploads) } }) },
      });
      const s3 = statements(template, fn).filter((statement) => JSON.stringify(statement.Action).includes('s3:'));
      expect(s3).toEqual([{ Action: action, Effect: 'Allow', Resource: under(uploads, '/uploads/*/source') }]);
    });

    it("grants 'find' as ListBucket for listings under one original's key only", () => {
      const { stack, uploads } = fixture();
      const fn = new PipelineFunction(stack, 'Fn', { handlerDir: 'get-upload' }).bindUploadsBucket(uploads, ['abort', 'find']);
      const s3 = statements(Template.fromStack(stack), fn).filter((statement) => JSON.stringify(statement.Action).includes('s3:'));
      expect(s3).toEqual([
        { Action: 's3:AbortMultipartUpload', Effect: 'Allow', Resource: under(uploads, '/uploads/*/source') },
        {
          Action: 's3:ListBucket',
          Effect: 'Allow',
          Resource: getAtt(uploads),
          Condition: { StringLike: { 's3:prefix': ['uploads/*/source'] } },
        },
      ]);
    });

    it('refuses an empty list of operations at synth', () => {
      const { stack, uploads } = fixture();
      const fn = new PipelineFunction(stack, 'Fn', { handlerDir: 'get-upload' });
      expect(() => fn.bindUploadsBucket(uploads, [])).toThrow('Test/Fn: bindUploadsBucket needs at least one operation');
    });
  });

  describe('bindMediaBucket', () => {
    it("with 'delete' grants DeleteObject on outputs and ListBucket under media/ only", () => {
      const { stack, media } = fixture();
      const fn = new PipelineFunction(stack, 'Fn', { handlerDir: 'get-upload' }).bindMediaBucket(media, ['delete']);
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

    it("with 'listUploads' and 'delete' lists media/ itself and under an upload's folder, and nowhere else", () => {
      const { stack, media } = fixture();
      const fn = new PipelineFunction(stack, 'Fn', { handlerDir: 'get-upload' }).bindMediaBucket(media, ['listUploads', 'delete']);
      const s3 = statements(Template.fromStack(stack), fn).filter((statement) => JSON.stringify(statement.Action).includes('s3:'));
      expect(s3).toEqual([
        { Action: 's3:DeleteObject', Effect: 'Allow', Resource: under(media, '/media/*/*') },
        {
          Action: 's3:ListBucket',
          Effect: 'Allow',
          Resource: getAtt(media),
          Condition: { StringLike: { 's3:prefix': ['media/', 'media/*/*'] } },
        },
      ]);
    });

    it("with 'write' grants PutObject on outputs only", () => {
      const { stack, media } = fixture();
      const fn = new PipelineFunction(stack, 'Fn', { handlerDir: 'get-upload' }).bindMediaBucket(media, ['write']);
      const s3 = statements(Template.fromStack(stack), fn).filter((statement) => JSON.stringify(statement.Action).includes('s3:'));
      expect(s3).toEqual([{ Action: 's3:PutObject', Effect: 'Allow', Resource: under(media, '/media/*/*') }]);
    });
  });

  describe('bindProcessQueue', () => {
    it('sets PROCESS_QUEUE_URL and grants each operation its one action on that queue', () => {
      const { stack } = fixture();
      const queue = new Queue(stack, 'Queue');
      const fn = new PipelineFunction(stack, 'Fn', { handlerDir: 'get-upload' }).bindProcessQueue(queue, ['send', 'countMessages']);
      const template = Template.fromStack(stack);
      template.hasResourceProperties('AWS::Lambda::Function', {
        Environment: { Variables: Match.objectLike({ PROCESS_QUEUE_URL: { Ref: logicalId(queue) } }) },
      });
      const sqs = statements(template, fn).filter((statement) => JSON.stringify(statement.Action).includes('sqs:'));
      expect(sqs).toEqual([{ Action: ['sqs:GetQueueAttributes', 'sqs:SendMessage'], Effect: 'Allow', Resource: getAtt(queue) }]);
    });

    it('grants only sending when that is all the function does', () => {
      const { stack } = fixture();
      const queue = new Queue(stack, 'Queue');
      const fn = new PipelineFunction(stack, 'Fn', { handlerDir: 'get-upload' }).bindProcessQueue(queue, ['send']);
      const sqs = statements(Template.fromStack(stack), fn).filter((statement) => JSON.stringify(statement.Action).includes('sqs:'));
      expect(sqs).toEqual([{ Action: 'sqs:SendMessage', Effect: 'Allow', Resource: getAtt(queue) }]);
    });

    it('refuses an empty list of operations at synth', () => {
      const { stack } = fixture();
      const fn = new PipelineFunction(stack, 'Fn', { handlerDir: 'get-upload' });
      expect(() => fn.bindProcessQueue(new Queue(stack, 'Queue'), [])).toThrow('Test/Fn: bindProcessQueue needs at least one operation');
    });
  });

  describe('bindInvalidationQueue', () => {
    it('sets INVALIDATION_QUEUE_URL and grants sending and delaying as named, on that queue only', () => {
      const { stack } = fixture();
      const queue = new Queue(stack, 'Queue');
      const sender = new PipelineFunction(stack, 'Sender', { handlerDir: 'delete-upload' }).bindInvalidationQueue(queue, ['send']);
      const delayer = new PipelineFunction(stack, 'Delayer', { handlerDir: 'invalidate-media' }).bindInvalidationQueue(queue, ['delay']);
      const template = Template.fromStack(stack);
      template.hasResourceProperties('AWS::Lambda::Function', {
        Environment: { Variables: Match.objectLike({ INVALIDATION_QUEUE_URL: { Ref: logicalId(queue) } }) },
      });
      const sqs = (fn: PipelineFunction) => statements(template, fn).filter((statement) => JSON.stringify(statement.Action).includes('sqs:'));
      expect(sqs(sender)).toEqual([{ Action: 'sqs:SendMessage', Effect: 'Allow', Resource: getAtt(queue) }]);
      expect(sqs(delayer)).toEqual([{ Action: 'sqs:ChangeMessageVisibility', Effect: 'Allow', Resource: getAtt(queue) }]);
    });

    it('refuses an empty list of operations at synth', () => {
      const { stack } = fixture();
      const fn = new PipelineFunction(stack, 'Fn', { handlerDir: 'invalidate-media' });
      expect(() => fn.bindInvalidationQueue(new Queue(stack, 'Queue'), [])).toThrow('Test/Fn: bindInvalidationQueue needs at least one operation');
    });
  });

  describe('bindDistribution', () => {
    it("sets DISTRIBUTION_ID and grants cloudfront:CreateInvalidation on that distribution's ARN alone", () => {
      const { stack, media } = fixture();
      const distribution = new Distribution(stack, 'Distribution', { defaultBehavior: { origin: S3BucketOrigin.withOriginAccessControl(media) } });
      const fn = new PipelineFunction(stack, 'Fn', { handlerDir: 'invalidate-media' }).bindDistribution(distribution);
      const template = Template.fromStack(stack);
      template.hasResourceProperties('AWS::Lambda::Function', {
        Environment: { Variables: Match.objectLike({ DISTRIBUTION_ID: { Ref: logicalId(distribution) } }) },
      });
      const cloudFront = statements(template, fn).filter((statement) => JSON.stringify(statement.Action).includes('cloudfront:'));
      expect(cloudFront).toEqual([
        {
          Action: 'cloudfront:CreateInvalidation',
          Effect: 'Allow',
          Resource: {
            'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':cloudfront::', { Ref: 'AWS::AccountId' }, ':distribution/', { Ref: logicalId(distribution) }]],
          },
        },
      ]);
    });
  });

  describe('consumeQueue', () => {
    it("maps the queue to the function and grants only what Lambda's poller calls", () => {
      const { stack } = fixture();
      const queue = new Queue(stack, 'Queue');
      const fn = new PipelineFunction(stack, 'Fn', { handlerDir: 'get-upload' });
      fn.consumeQueue('Events', queue, { batchSize: 1, reportBatchItemFailures: true, maxConcurrency: 5 });
      const template = Template.fromStack(stack);
      template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
        EventSourceArn: getAtt(queue),
        FunctionName: { Ref: logicalId(fn.function) },
        BatchSize: 1,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        ScalingConfig: { MaximumConcurrency: 5 },
      });
      const sqs = statements(template, fn).filter((statement) => JSON.stringify(statement.Action).includes('sqs:'));
      expect(sqs).toEqual([
        { Action: ['sqs:DeleteMessage', 'sqs:GetQueueAttributes', 'sqs:ReceiveMessage'], Effect: 'Allow', Resource: getAtt(queue) },
      ]);
    });

    it("also lets the poller decrypt a queue encrypted with a KMS key", () => {
      const { stack } = fixture();
      const queue = new Queue(stack, 'Queue', { encryption: QueueEncryption.KMS });
      const fn = new PipelineFunction(stack, 'Fn', { handlerDir: 'get-upload' });
      fn.consumeQueue('Events', queue, { batchSize: 10 });
      expect(statements(Template.fromStack(stack), fn)).toContainEqual({
        Action: 'kms:Decrypt',
        Effect: 'Allow',
        Resource: getAtt(queue.encryptionMasterKey!),
      });
    });
  });

  describe('consumeTableStream', () => {
    const streamOptions = (onFailure: Queue) => ({
      startingPosition: StartingPosition.TRIM_HORIZON,
      batchSize: 100,
      bisectBatchOnError: true,
      retryAttempts: 3,
      maxRecordAge: Duration.minutes(15),
      reportBatchItemFailures: true,
      onFailure,
    });

    it("maps the stream to the function with the on-failure queue, and grants only what Lambda's poller calls", () => {
      const stack = testStack();
      const table = new Table(stack, 'Table', { partitionKey: { name: 'uploadId', type: AttributeType.STRING }, stream: StreamViewType.NEW_IMAGE });
      const failures = new Queue(stack, 'Failures');
      const fn = new PipelineFunction(stack, 'Fn', { handlerDir: 'get-upload' });
      fn.consumeTableStream('Writes', table, streamOptions(failures));
      const template = Template.fromStack(stack);
      template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
        EventSourceArn: { 'Fn::GetAtt': [logicalId(table), 'StreamArn'] },
        FunctionName: { Ref: logicalId(fn.function) },
        StartingPosition: 'TRIM_HORIZON',
        DestinationConfig: { OnFailure: { Destination: getAtt(failures) } },
      });
      expect(statements(template, fn).filter((statement) => /dynamodb:|sqs:/.test(JSON.stringify(statement.Action)))).toEqual([
        {
          Action: ['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator', 'dynamodb:ListStreams'],
          Effect: 'Allow',
          Resource: { 'Fn::GetAtt': [logicalId(table), 'StreamArn'] },
        },
        { Action: 'sqs:SendMessage', Effect: 'Allow', Resource: getAtt(failures) },
      ]);
    });

    it('refuses a table without a stream and an on-failure queue with a KMS key, at synth', () => {
      const stack = testStack();
      const bare = new Table(stack, 'Bare', { partitionKey: { name: 'uploadId', type: AttributeType.STRING } });
      const streamed = new Table(stack, 'Streamed', { partitionKey: { name: 'uploadId', type: AttributeType.STRING }, stream: StreamViewType.NEW_IMAGE });
      const fn = new PipelineFunction(stack, 'Fn', { handlerDir: 'get-upload' });
      expect(() => fn.consumeTableStream('Writes', bare, streamOptions(new Queue(stack, 'Plain')))).toThrow('Test/Bare has no stream to consume');
      expect(() => fn.consumeTableStream('Writes', streamed, streamOptions(new Queue(stack, 'Keyed', { encryption: QueueEncryption.KMS })))).toThrow(
        'has a KMS key',
      );
    });
  });

  describe('bindConnectionsTable', () => {
    it('sets CONNECTIONS_TABLE and grants Query on the table itself only for topic queries', () => {
      const { stack, table } = fixture();
      const publisher = new PipelineFunction(stack, 'Publisher', { handlerDir: 'get-upload' }).bindConnectionsTable(table, {
        items: ['delete'],
        queryTopics: true,
        queries: ['byOwner'],
      });
      const remover = new PipelineFunction(stack, 'Remover', { handlerDir: 'get-upload' }).bindConnectionsTable(table, { items: ['delete'], queries: ['byOwner'] });
      const template = Template.fromStack(stack);
      const queried = (fn: PipelineFunction) =>
        statements(template, fn)
          .filter((statement) => statement.Action === 'dynamodb:Query')
          .flatMap((statement) => [statement.Resource].flat());
      expect(queried(publisher)).toEqual([getAtt(table), under(table, '/index/byOwner')]);
      expect(queried(remover)).toEqual([under(table, '/index/byOwner')]);
      template.hasResourceProperties('AWS::Lambda::Function', {
        Environment: { Variables: Match.objectLike({ CONNECTIONS_TABLE: { Ref: logicalId(table) } }) },
      });
      expect(() => new PipelineFunction(stack, 'Idle', { handlerDir: 'get-upload' }).bindConnectionsTable(table, {})).toThrow('needs at least one');
    });
  });

  it('bindJwtIssuer sets the issuer, the audiences comma-joined and the JWKS URL only when given', () => {
    const { stack } = fixture();
    const discovered = new PipelineFunction(stack, 'Discovered', { handlerDir: 'get-upload' }).bindJwtIssuer('https://issuer.example.com', ['web', 'ios']);
    const pinned = new PipelineFunction(stack, 'Pinned', { handlerDir: 'get-upload' }).bindJwtIssuer('https://issuer.example.com', ['web'], 'https://keys.example.com/jwks.json');
    const template = Template.fromStack(stack);
    const environment = (fn: PipelineFunction) => template.toJSON().Resources[logicalId(fn.function)].Properties.Environment.Variables;
    expect(environment(discovered)).toMatchObject({ JWT_ISSUER: 'https://issuer.example.com', JWT_AUDIENCE: 'web,ios' });
    expect(environment(discovered).JWKS_URL).toBeUndefined();
    expect(environment(pinned)).toMatchObject({ JWT_AUDIENCE: 'web', JWKS_URL: 'https://keys.example.com/jwks.json' });
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
      .bindUploadsTable(table, { items: ['get', 'update', 'delete'], queries: ['byOwner'] })
      .bindUsageTable(usage, ['get', 'update'])
      .bindUploadsBucket(uploads, ['write', 'listParts', 'abort', 'delete', 'find'])
      .bindMediaBucket(media, ['write', 'delete', 'listUploads']);
    Aspects.of(stack).add(new AwsSolutionsChecks());
    // Only the function's own resources: the fixture's bare buckets have findings of their own.
    const findings = Annotations.fromStack(stack)
      .findError('*', Match.stringLikeRegexp('AwsSolutions-.*'))
      .filter((finding) => finding.id.startsWith('/Test/Fn/'));
    expect(findings.map((finding) => `${finding.id}: ${String(finding.entry.data)}`)).toEqual([]);
  });
});
