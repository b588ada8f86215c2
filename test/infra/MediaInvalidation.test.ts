import { Aspects, Duration, type Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { Cdn } from '../../lib/Cdn.js';
import { MediaInvalidation, type MediaInvalidationProps } from '../../lib/MediaInvalidation.js';
import { PipelineFunction } from '../../lib/PipelineFunction.js';
import { Storage } from '../../lib/Storage.js';
import { actionsOf, roleStatements, type TemplateResources } from './support/roleGrants.js';
import { logicalId, testStack } from './testApp.js';

function synth(props: Partial<MediaInvalidationProps> = {}, stack: Stack = testStack()) {
  const storage = new Storage(stack, 'Storage');
  const cdn = new Cdn(stack, 'Cdn', { mediaBucket: storage.mediaBucket });
  const invalidation = new MediaInvalidation(stack, 'Invalidation', { distribution: cdn.distribution, ...props });
  const requester = new PipelineFunction(stack, 'Requester', { handlerDir: 'delete-upload' });
  invalidation.bindRequester(requester);
  const template = Template.fromStack(stack);
  return { stack, cdn, invalidation, requester, template, resources: template.toJSON().Resources as TemplateResources };
}

const DISTRIBUTION_ARN = (distributionId: string) => ({
  'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':cloudfront::', { Ref: 'AWS::AccountId' }, ':distribution/', { Ref: distributionId }]],
});

describe('MediaInvalidation', () => {
  let s: ReturnType<typeof synth>;
  beforeAll(() => {
    s = synth();
  });

  it("lets the invalidator create invalidations on this distribution's ARN only, and nothing else in CloudFront", () => {
    const statements = roleStatements(s.resources, logicalId(s.invalidation.function.role));
    const cloudFront = statements.filter((statement) => actionsOf(statement).some((action) => action.startsWith('cloudfront:')));
    expect(cloudFront).toEqual([
      expect.objectContaining({ Effect: 'Allow', Action: 'cloudfront:CreateInvalidation', Resource: DISTRIBUTION_ARN(logicalId(s.cdn.distribution)) }),
    ]);
    s.template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ DISTRIBUTION_ID: { Ref: logicalId(s.cdn.distribution) }, INVALIDATION_QUEUE_URL: { Ref: logicalId(s.invalidation.queue) } }) },
    });
  });

  it('gives a requester sqs:SendMessage on the queue and its URL, and no CloudFront action: only the invalidator invalidates', () => {
    const statements = roleStatements(s.resources, logicalId(s.requester.role));
    expect(statements.flatMap(actionsOf).filter((action) => action.startsWith('cloudfront:'))).toEqual([]);
    expect(statements).toContainEqual(expect.objectContaining({ Action: 'sqs:SendMessage', Resource: { 'Fn::GetAtt': [logicalId(s.invalidation.queue), 'Arn'] } }));
    s.template.hasResourceProperties('AWS::Lambda::Function', {
      Role: { 'Fn::GetAtt': [logicalId(s.requester.role), 'Arn'] },
      Environment: { Variables: Match.objectLike({ INVALIDATION_QUEUE_URL: { Ref: logicalId(s.invalidation.queue) } }) },
    });
  });

  it('lets the invalidator delay the messages it retries on its own queue only', () => {
    const statements = roleStatements(s.resources, logicalId(s.invalidation.function.role));
    const delaying = statements.filter((statement) => actionsOf(statement).includes('sqs:ChangeMessageVisibility'));
    expect(delaying.map((statement) => statement.Resource)).toEqual([{ 'Fn::GetAtt': [logicalId(s.invalidation.queue), 'Arn'] }]);
  });

  it('keeps requests in an encrypted, TLS-only queue that delays each 30 s (a cancelled run stops publishing first) and dead-letters after 50 receives', () => {
    s.template.hasResourceProperties('AWS::SQS::Queue', {
      SqsManagedSseEnabled: true,
      DelaySeconds: 30,
      VisibilityTimeout: 6 * 30 + 60,
      MessageRetentionPeriod: 4 * 86_400,
      RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [logicalId(s.invalidation.deadLetterQueue), 'Arn'] }, maxReceiveCount: 50 },
    });
    s.template.hasResourceProperties('AWS::SQS::Queue', { SqsManagedSseEnabled: true, MessageRetentionPeriod: 14 * 86_400 });
    for (const queue of [s.invalidation.queue, s.invalidation.deadLetterQueue]) {
      s.template.hasResourceProperties('AWS::SQS::QueuePolicy', {
        Queues: [{ Ref: logicalId(queue) }],
        PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
      });
    }
  });

  it('runs the invalidator on batches of up to 15 requests (the wildcard paths CloudFront has in progress at once), gathered for a minute, two at a time, with partial batch failures', () => {
    s.template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: { 'Fn::GetAtt': [logicalId(s.invalidation.queue), 'Arn'] },
      FunctionName: { Ref: logicalId(s.invalidation.function.function) },
      BatchSize: 15,
      MaximumBatchingWindowInSeconds: 60,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      ScalingConfig: { MaximumConcurrency: 2 },
    });
  });

  it('alarms on any dead-lettered request, and on requests waiting over an hour', () => {
    s.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Namespace: 'AWS/SQS',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [logicalId(s.invalidation.deadLetterQueue), 'QueueName'] } }],
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
    });
    s.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateAgeOfOldestMessage',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [logicalId(s.invalidation.queue), 'QueueName'] } }],
      Threshold: 3600,
      ComparisonOperator: 'GreaterThanThreshold',
    });
  });

  it('takes a batching window and a receive count, and refuses ones Lambda and SQS would not', () => {
    const custom = synth({ batchingWindow: Duration.seconds(20), maxReceiveCount: 10 });
    custom.template.hasResourceProperties('AWS::Lambda::EventSourceMapping', { MaximumBatchingWindowInSeconds: 20 });
    custom.template.hasResourceProperties('AWS::SQS::Queue', { VisibilityTimeout: 6 * 30 + 20, RedrivePolicy: Match.objectLike({ maxReceiveCount: 10 }) });
    expect(() => synth({ batchingWindow: Duration.minutes(6) })).toThrow('MediaInvalidation batchingWindow must be whole seconds from 0 to 5 minutes, got 6 minutes');
    expect(() => synth({ maxReceiveCount: 0 })).toThrow('MediaInvalidation maxReceiveCount must be a whole number from 1 to 1000, got 0');
  });

  it('has no unacknowledged cdk-nag finding', () => {
    const stack = testStack();
    synth({}, stack);
    Aspects.of(stack).add(new AwsSolutionsChecks());
    const nag = Match.stringLikeRegexp('AwsSolutions-.*');
    const annotations = Annotations.fromStack(stack);
    expect([...annotations.findError('*', nag), ...annotations.findWarning('*', nag)].map((finding) => finding.entry.data)).toEqual([]);
  });
});
