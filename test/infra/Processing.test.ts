import { Aspects, Duration, Size, type Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { Architecture, Code, LayerVersion } from 'aws-cdk-lib/aws-lambda';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { videoPixelBudget } from '../../lambdas/process-upload/plan/videoWorkBudget.js';
import { Processing, type ProcessingProps } from '../../lib/Processing.js';
import { Storage } from '../../lib/Storage.js';
import { logicalId, testStack } from './testApp.js';

function synth(props: Partial<ProcessingProps> = {}, stack: Stack = testStack()) {
  const storage = new Storage(stack, 'Storage');
  const processing = new Processing(stack, 'Processing', {
    uploadsBucket: storage.uploadsBucket,
    mediaBucket: storage.mediaBucket,
    table: storage.table,
    mediaBaseUrl: 'https://d111111abcdef8.cloudfront.net',
    ...props,
  });
  return { stack, storage, processing, template: Template.fromStack(stack) };
}

type Statement = { Action: string | string[]; Resource: unknown; Condition?: unknown };

describe('Processing', () => {
  let s: ReturnType<typeof synth>;
  beforeAll(() => {
    s = synth();
  });
  const queueArn = (queue: Parameters<typeof logicalId>[0]) => ({ 'Fn::GetAtt': [logicalId(queue), 'Arn'] });

  it('sends ObjectCreated events of keys under uploads/ in the uploads bucket to the queue, and nothing else', () => {
    s.template.hasResourceProperties('Custom::S3BucketNotifications', {
      BucketName: { Ref: logicalId(s.storage.uploadsBucket) },
      NotificationConfiguration: {
        QueueConfigurations: [
          {
            Events: ['s3:ObjectCreated:*'],
            Filter: { Key: { FilterRules: [{ Name: 'prefix', Value: 'uploads/' }] } },
            QueueArn: queueArn(s.processing.queue),
          },
        ],
      },
    });
    expect(Object.keys(s.template.findResources('Custom::S3BucketNotifications'))).toHaveLength(1);
  });

  it('lets only the uploads bucket send to the queue', () => {
    s.template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      Queues: [{ Ref: logicalId(s.processing.queue) }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Allow',
            Principal: { Service: 's3.amazonaws.com' },
            Action: Match.arrayWith(['sqs:SendMessage']),
            Condition: { ArnLike: { 'aws:SourceArn': { 'Fn::GetAtt': [logicalId(s.storage.uploadsBucket), 'Arn'] } } },
          }),
        ]),
      },
    });
  });

  it('keeps both queues encrypted and TLS-only, with a visibility timeout six times the function timeout', () => {
    s.template.hasResourceProperties('AWS::SQS::Queue', {
      SqsManagedSseEnabled: true,
      VisibilityTimeout: 5400,
      RedrivePolicy: { deadLetterTargetArn: queueArn(s.processing.deadLetterQueue), maxReceiveCount: 3 },
    });
    s.template.hasResourceProperties('AWS::SQS::Queue', { SqsManagedSseEnabled: true, MessageRetentionPeriod: 1_209_600 });
    for (const queue of [s.processing.queue, s.processing.deadLetterQueue]) {
      s.template.hasResourceProperties('AWS::SQS::QueuePolicy', {
        Queues: [{ Ref: logicalId(queue) }],
        PolicyDocument: {
          Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]),
        },
      });
    }
  });

  it('feeds the dead-letter queue to the dead-letter function in batches of 10, failing messages individually', () => {
    s.template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: queueArn(s.processing.deadLetterQueue),
      FunctionName: { Ref: logicalId(s.processing.deadLetterFunction.function) },
      BatchSize: 10,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
    const consumers = Object.values(s.template.findResources('AWS::Lambda::EventSourceMapping')).filter(
      (mapping) => JSON.stringify(mapping.Properties.EventSourceArn) === JSON.stringify(queueArn(s.processing.deadLetterQueue)),
    );
    expect(consumers).toHaveLength(1);
    s.template.hasResourceProperties('AWS::Lambda::Function', {
      Description: 'Fails uploads whose processing events were dead-lettered, so none stays processing',
      Architectures: ['arm64'],
      MemorySize: 256,
      Environment: {
        Variables: Match.objectLike({ PROCESS_MAX_RECEIVE_COUNT: '3', UPLOADS_TABLE: { Ref: logicalId(s.storage.table) } }),
      },
    });
  });

  it("raises an alarm in any minute the dead-letter function is invoked, since it drains the queue before the queue's depth would show", () => {
    expect(s.template.findResources('AWS::CloudWatch::Alarm')).toMatchObject({
      [logicalId(s.processing.deadLetterAlarm)]: expect.objectContaining({
        Properties: expect.objectContaining({
          Namespace: 'AWS/Lambda',
          MetricName: 'Invocations',
          Dimensions: [{ Name: 'FunctionName', Value: { Ref: logicalId(s.processing.deadLetterFunction.function) } }],
          Statistic: 'Sum',
          Period: 60,
          EvaluationPeriods: 1,
          Threshold: 1,
          ComparisonOperator: 'GreaterThanOrEqualToThreshold',
          TreatMissingData: 'notBreaching',
        }),
      }),
    });
  });

  it('raises an alarm when the oldest queued event is older than two processing timeouts', () => {
    const ageAlarm = (template: Template, alarm: Parameters<typeof logicalId>[0]) => template.findResources('AWS::CloudWatch::Alarm')[logicalId(alarm)];
    const expected = (queue: Parameters<typeof logicalId>[0], seconds: number) => ({
      Type: 'AWS::CloudWatch::Alarm',
      Properties: expect.objectContaining({
        Namespace: 'AWS/SQS',
        MetricName: 'ApproximateAgeOfOldestMessage',
        Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [logicalId(queue), 'QueueName'] } }],
        Statistic: 'Maximum',
        Period: 60,
        EvaluationPeriods: 1,
        Threshold: seconds,
        ComparisonOperator: 'GreaterThanThreshold',
        TreatMissingData: 'notBreaching',
      }),
    });
    expect(ageAlarm(s.template, s.processing.queueAgeAlarm)).toEqual(expected(s.processing.queue, 1800));

    const short = synth({ timeout: Duration.minutes(5) });
    expect(ageAlarm(short.template, short.processing.queueAgeAlarm)).toEqual(expected(short.processing.queue, 600));
  });

  it('feeds the function one message at a time and lets it fail messages individually', () => {
    s.template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: queueArn(s.processing.queue),
      FunctionName: { Ref: logicalId(s.processing.function.function) },
      BatchSize: 1,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      ScalingConfig: { MaximumConcurrency: 10 },
    });
  });

  it('runs the function on arm64 with the arm64 ffmpeg layer, sized for transcodes, configured through its environment', () => {
    s.template.hasResourceProperties('AWS::Lambda::LayerVersion', { CompatibleArchitectures: ['arm64'] });
    s.template.hasResourceProperties('AWS::Lambda::Function', {
      Architectures: ['arm64'],
      MemorySize: 10240,
      Timeout: 900,
      EphemeralStorage: { Size: 10240 },
      Layers: [{ Ref: logicalId(s.processing.ffmpegLayer as LayerVersion) }],
      Environment: {
        Variables: Match.objectLike({
          FFMPEG_PATH: '/opt/bin/ffmpeg',
          FFPROBE_PATH: '/opt/bin/ffprobe',
          PROCESSING_LIMITS: JSON.stringify({
            maxDurationSeconds: { audio: 10800, video: 1200 },
            maxWidth: 8192,
            maxHeight: 8192,
            maxVideoPixels: videoPixelBudget(10240, 900),
          }),
          PROCESS_MAX_RECEIVE_COUNT: '3',
          MEDIA_BASE_URL: 'https://d111111abcdef8.cloudfront.net',
          UPLOADS_TABLE: { Ref: logicalId(s.storage.table) },
          UPLOADS_BUCKET: { Ref: logicalId(s.storage.uploadsBucket) },
          MEDIA_BUCKET: { Ref: logicalId(s.storage.mediaBucket) },
        }),
      },
    });
  });

  it('may read, find and delete originals, write and delete outputs under media/, read and update records, and poll its queue', () => {
    const policy = s.template.toJSON().Resources[logicalId(s.processing.function.role.node.findChild('DefaultPolicy'))];
    const statements = policy.Properties.PolicyDocument.Statement as Statement[];
    const arn = (construct: Parameters<typeof logicalId>[0]) => ({ 'Fn::GetAtt': [logicalId(construct), 'Arn'] });
    const on = (bucket: Parameters<typeof logicalId>[0], suffix: string) => ({ 'Fn::Join': ['', [arn(bucket), suffix]] });
    expect(statements).toEqual(
      expect.arrayContaining([
        { Action: ['dynamodb:GetItem', 'dynamodb:UpdateItem'], Effect: 'Allow', Resource: arn(s.storage.table) },
        // Deleting: an original that arrived after its upload ended (a single-PUT URL outlives a cancel).
        { Action: ['s3:DeleteObject', 's3:GetObject', 's3:GetObjectAttributes'], Effect: 'Allow', Resource: on(s.storage.uploadsBucket, '/uploads/*/source') },
        {
          Action: 's3:ListBucket',
          Condition: { StringLike: { 's3:prefix': ['uploads/*/source'] } },
          Effect: 'Allow',
          Resource: arn(s.storage.uploadsBucket),
        },
        // Reading outputs: a redelivered event may finish the MediaConvert job it had submitted.
        { Action: ['s3:DeleteObject', 's3:GetObject', 's3:PutObject'], Effect: 'Allow', Resource: on(s.storage.mediaBucket, '/media/*/*') },
        {
          Action: 's3:ListBucket',
          Condition: { StringLike: { 's3:prefix': ['media/*/*'] } },
          Effect: 'Allow',
          Resource: arn(s.storage.mediaBucket),
        },
        { Action: ['sqs:DeleteMessage', 'sqs:GetQueueAttributes', 'sqs:ReceiveMessage'], Effect: 'Allow', Resource: queueArn(s.processing.queue) },
      ]),
    );
    // Originals are never written: nothing but reading (bytes and checksum), deleting and the listing reaches the uploads bucket.
    const onUploads = statements.filter((st) => JSON.stringify(st.Resource).includes(logicalId(s.storage.uploadsBucket)));
    expect(onUploads.flatMap((st) => st.Action)).toEqual(['s3:DeleteObject', 's3:GetObject', 's3:GetObjectAttributes', 's3:ListBucket']);
  });

  it("lets the dead-letter function read and update records, remove a dead run's outputs and poll its queue; nothing more", () => {
    const policy = s.template.toJSON().Resources[logicalId(s.processing.deadLetterFunction.role.node.findChild('DefaultPolicy'))];
    const statements = policy.Properties.PolicyDocument.Statement as Statement[];
    const mediaBucket = logicalId(s.storage.mediaBucket);
    expect(statements.filter((statement) => !JSON.stringify(statement.Action).match(/logs:|xray:/))).toEqual([
      { Action: ['dynamodb:GetItem', 'dynamodb:UpdateItem'], Effect: 'Allow', Resource: { 'Fn::GetAtt': [logicalId(s.storage.table), 'Arn'] } },
      { Action: 's3:DeleteObject', Effect: 'Allow', Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [mediaBucket, 'Arn'] }, '/media/*/*']] } },
      {
        Action: 's3:ListBucket',
        Condition: { StringLike: { 's3:prefix': ['media/*/*'] } },
        Effect: 'Allow',
        Resource: { 'Fn::GetAtt': [mediaBucket, 'Arn'] },
      },
      { Action: ['sqs:DeleteMessage', 'sqs:GetQueueAttributes', 'sqs:ReceiveMessage'], Effect: 'Allow', Resource: queueArn(s.processing.deadLetterQueue) },
    ]);
  });

  it('builds its own ffmpeg layer by default, or uses the one passed in', () => {
    expect(Object.keys(s.template.findResources('AWS::Lambda::LayerVersion'))).toHaveLength(1);

    const stack = testStack();
    const own = LayerVersion.fromLayerVersionArn(stack, 'Own', 'arn:aws:lambda:eu-west-1:123456789012:layer:my-ffmpeg:7');
    const { template } = synth({ ffmpegLayer: own }, stack);
    expect(template.findResources('AWS::Lambda::LayerVersion')).toEqual({});
    template.hasResourceProperties('AWS::Lambda::Function', { Layers: ['arn:aws:lambda:eu-west-1:123456789012:layer:my-ffmpeg:7'] });
  });

  it('runs on x86_64 with an x86_64 layer when asked', () => {
    const { template } = synth({ architecture: Architecture.X86_64 });
    template.hasResourceProperties('AWS::Lambda::LayerVersion', { CompatibleArchitectures: ['x86_64'] });
    template.hasResourceProperties('AWS::Lambda::Function', { Architectures: ['x86_64'], Layers: Match.anyValue() });
  });

  it('fails synth naming a layer of its own made for another architecture than the function', () => {
    const stack = testStack();
    const code = Code.fromBucket(Bucket.fromBucketName(stack, 'Layers', 'my-layers'), 'ffmpeg-x86_64.zip');
    const own = new LayerVersion(stack, 'OwnFfmpeg', { code, compatibleArchitectures: [Architecture.X86_64] });
    expect(() => synth({ ffmpegLayer: own }, stack)).toThrow(
      'The ffmpeg layer Test/OwnFfmpeg is for x86_64, but the process function runs on arm64: pass a layer built for it, or set the architecture to match',
    );
  });

  it('takes memory, timeout, reserved concurrency, receives and limits from props', () => {
    const { template, processing } = synth({
      memorySize: 4096,
      timeout: Duration.minutes(10),
      reservedConcurrency: 4,
      maxConcurrency: 4,
      maxReceiveCount: 5,
      ephemeralStorageSize: Size.gibibytes(4),
      limits: { maxDurationSeconds: { video: 300 }, maxWidth: 3840 },
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      MemorySize: 4096,
      Timeout: 600,
      ReservedConcurrentExecutions: 4,
      EphemeralStorage: { Size: 4096 },
      Environment: {
        Variables: Match.objectLike({
          // The work limit follows the smaller function: 4,096 MB (2.3 vCPUs) for 10 minutes.
          PROCESSING_LIMITS: JSON.stringify({
            maxDurationSeconds: { audio: 10800, video: 300 },
            maxWidth: 3840,
            maxHeight: 8192,
            maxVideoPixels: videoPixelBudget(4096, 600),
          }),
          PROCESS_MAX_RECEIVE_COUNT: '5',
        }),
      },
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Description: 'Fails uploads whose processing events were dead-lettered, so none stays processing',
      Environment: { Variables: Match.objectLike({ PROCESS_MAX_RECEIVE_COUNT: '5' }) },
    });
    template.hasResourceProperties('AWS::SQS::Queue', {
      VisibilityTimeout: 3600,
      RedrivePolicy: { deadLetterTargetArn: Match.anyValue(), maxReceiveCount: 5 },
    });
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: logicalId(processing.function.function) },
      ScalingConfig: { MaximumConcurrency: 4 },
    });
  });

  it('rejects a timeout over Lambda’s 15 minutes, a bad receive count, memory or reserved concurrency and a bad limit, naming the value', () => {
    expect(() => synth({ timeout: Duration.minutes(20) })).toThrow('Processing timeout must be from 1 to 15 minutes (Lambda\'s limit), got 20 minutes');
    expect(() => synth({ maxReceiveCount: 0 })).toThrow('maxReceiveCount must be a whole number from 1 to 1000, got 0');
    expect(() => synth({ limits: { maxWidth: -1 } })).toThrow(/^Processing limits: maxWidth is invalid/);
    expect(() => synth({ memorySize: 20_000 })).toThrow("Processing memorySize must be a whole number of MB from 128 to 10240 (Lambda's limits), got 20000");
    expect(() => synth({ reservedConcurrency: 0 })).toThrow('Processing reservedConcurrency must be a whole number of at least 1, got 0');
  });

  it('leaves cdk-nag nothing to report', () => {
    const stack = testStack();
    synth({}, stack);
    Aspects.of(stack).add(new AwsSolutionsChecks());
    const nag = Match.stringLikeRegexp('AwsSolutions-.*');
    const annotations = Annotations.fromStack(stack);
    expect([...annotations.findError('*', nag), ...annotations.findWarning('*', nag)].map((f) => f.entry.data)).toEqual([]);
  });
});
