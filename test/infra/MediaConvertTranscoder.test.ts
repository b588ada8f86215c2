import { Duration, type Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
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

type Statement = { Action: string | string[]; Resource: unknown; Condition?: unknown; Effect: string };

function statementsOf(s: ReturnType<typeof synth>, role: Parameters<typeof logicalId>[0]): Statement[] {
  const resources = s.template.toJSON().Resources as Record<string, { Type: string; Properties: { Roles?: unknown[]; PolicyDocument: { Statement: Statement[] } } }>;
  return Object.values(resources)
    .filter((resource) => resource.Type === 'AWS::IAM::Policy' && JSON.stringify(resource.Properties.Roles) === JSON.stringify([{ Ref: logicalId(role) }]))
    .flatMap((resource) => resource.Properties.PolicyDocument.Statement);
}

const actions = (statements: Statement[]) => statements.flatMap((statement) => statement.Action);

describe('MediaConvert in processing (transcoder auto, the default)', () => {
  let s: ReturnType<typeof synth>;
  let mc: NonNullable<ReturnType<typeof synth>['processing']['mediaConvert']>;
  beforeAll(() => {
    s = synth();
    if (!s.processing.mediaConvert) throw new Error('the default synthesizes MediaConvert');
    mc = s.processing.mediaConvert;
  });
  const arn = (construct: Parameters<typeof logicalId>[0]) => ({ 'Fn::GetAtt': [logicalId(construct), 'Arn'] });

  it('has its own on-demand queue', () => {
    s.template.resourceCountIs('AWS::MediaConvert::Queue', 1);
    s.template.hasResourceProperties('AWS::MediaConvert::Queue', { PricingPlan: 'ON_DEMAND', Status: 'ACTIVE' });
  });

  it('runs jobs as a role only MediaConvert of this account may assume, which reads originals and writes outputs, nothing else', () => {
    s.template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [
          {
            Action: 'sts:AssumeRole',
            Effect: 'Allow',
            Principal: { Service: 'mediaconvert.amazonaws.com' },
            Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
          },
        ],
      },
    });
    const statements = statementsOf(s, mc.jobRole);
    expect(statements).toEqual([
      { Action: 's3:GetObject', Effect: 'Allow', Resource: { 'Fn::Join': ['', [arn(s.storage.uploadsBucket), '/uploads/*/source']] } },
      { Action: 's3:PutObject', Effect: 'Allow', Resource: { 'Fn::Join': ['', [arn(s.storage.mediaBucket), '/media/*/*']] } },
    ]);
  });

  it('lets the process function submit to its queue only, pass the job role only to MediaConvert, and get and cancel jobs', () => {
    const statements = statementsOf(s, s.processing.function.role);
    expect(statements).toEqual(
      expect.arrayContaining([
        { Action: 'mediaconvert:CreateJob', Effect: 'Allow', Resource: { 'Fn::GetAtt': [logicalId(mc.queue), 'Arn'] } },
        {
          Action: 'iam:PassRole',
          Effect: 'Allow',
          Resource: arn(mc.jobRole),
          Condition: { StringEquals: { 'iam:PassedToService': 'mediaconvert.amazonaws.com' } },
        },
        {
          Action: ['mediaconvert:CancelJob', 'mediaconvert:GetJob'],
          Effect: 'Allow',
          Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':mediaconvert:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':jobs/*']] },
        },
      ]),
    );
    expect(actions(statementsOf(s, mc.statusFunction.role))).not.toContain('mediaconvert:CreateJob');
    expect(actions(statementsOf(s, mc.statusFunction.role))).not.toContain('iam:PassRole');
  });

  it("feeds the status function this queue's job state changes and a periodic tick, with retries and a dead-letter queue", () => {
    const target = Match.objectLike({
      Arn: arn(mc.statusFunction.function),
      DeadLetterConfig: { Arn: arn(mc.deadLetterQueue) },
      RetryPolicy: Match.objectLike({ MaximumRetryAttempts: Match.anyValue() }),
    });
    s.template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: ['aws.mediaconvert'],
        'detail-type': ['MediaConvert Job State Change'],
        detail: { queue: [{ 'Fn::GetAtt': [logicalId(mc.queue), 'Arn'] }] },
      },
      Targets: [target],
    });
    s.template.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'rate(10 minutes)', Targets: [target] });
    s.template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', { MaximumRetryAttempts: 2 });
    s.template.hasResourceProperties('AWS::Lambda::Function', {
      DeadLetterConfig: { TargetArn: arn(mc.deadLetterQueue) },
      Layers: Match.anyValue(),
      Environment: { Variables: Match.objectLike({ TRANSCODER: 'auto', FFMPEG_PATH: '/opt/bin/ffmpeg' }) },
    });
  });

  it('raises an alarm on the first dead-lettered job event', () => {
    s.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [logicalId(mc.deadLetterQueue), 'QueueName'] } }],
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    });
  });

  it('tells the functions the queue, the role, the stack and the routing', () => {
    const fn = s.template.toJSON().Resources[logicalId(s.processing.function.function)];
    const settings = JSON.stringify(fn.Properties.Environment.Variables.MEDIACONVERT_SETTINGS);
    expect(settings).toContain(logicalId(mc.queue));
    expect(settings).toContain(logicalId(mc.jobRole));
    expect(settings).toContain('\\"routeLongerThanSeconds\\":600');
    expect(settings).toContain('\\"maxDurationSeconds\\":14400');
    expect(settings).toContain('\\"accelerated\\":false');
  });
});

describe('MediaConvert props', () => {
  it('synthesizes none of it with transcoder ffmpeg', () => {
    const s = synth({ transcoder: 'ffmpeg' });
    expect(s.processing.mediaConvert).toBeUndefined();
    s.template.resourceCountIs('AWS::MediaConvert::Queue', 0);
    s.template.resourceCountIs('AWS::Events::Rule', 0);
    const fn = s.template.toJSON().Resources[logicalId(s.processing.function.function)];
    expect(fn.Properties.Environment.Variables).not.toHaveProperty('MEDIACONVERT_SETTINGS');
    expect(JSON.stringify(s.template.toJSON())).not.toContain('mediaconvert');
  });

  it('sends every video there with transcoder mediaconvert, with the routing and acceleration given', () => {
    const s = synth({ transcoder: 'mediaconvert', mediaConvert: { routeLongerThan: Duration.minutes(5), maxDuration: Duration.hours(2), accelerated: true } });
    const fn = s.template.toJSON().Resources[logicalId(s.processing.function.function)];
    expect(fn.Properties.Environment.Variables.TRANSCODER).toBe('mediaconvert');
    const settings = JSON.stringify(fn.Properties.Environment.Variables.MEDIACONVERT_SETTINGS);
    expect(settings).toContain('\\"routeLongerThanSeconds\\":300');
    expect(settings).toContain('\\"maxDurationSeconds\\":7200');
    expect(settings).toContain('\\"accelerated\\":true');
  });

  it('fails synth on a bad value, naming it', () => {
    expect(() => synth({ transcoder: 'handbrake' as never })).toThrow('Processing transcoder must be one of auto, ffmpeg, mediaconvert, got handbrake');
    expect(() => synth({ mediaConvert: { routeShortSideOver: 0 } })).toThrow(/MediaConvert: routeShortSideOver is invalid/);
    expect(() => synth({ mediaConvert: { routeLongerThan: Duration.hours(5) } })).toThrow(
      'MediaConvert: routeLongerThanSeconds (18000) must be below maxDurationSeconds (14400), or no video would reach MediaConvert',
    );
  });
});
