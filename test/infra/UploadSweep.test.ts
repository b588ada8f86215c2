import { Duration } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { Processing } from '../../lib/Processing.js';
import { Storage } from '../../lib/Storage.js';
import { UploadSweep, type UploadSweepSettingsProps } from '../../lib/UploadSweep.js';
import { logicalId, testStack } from './testApp.js';

function synth(settings: UploadSweepSettingsProps = {}) {
  const stack = testStack();
  const storage = new Storage(stack, 'Storage');
  const processing = new Processing(stack, 'Processing', {
    uploadsBucket: storage.uploadsBucket,
    mediaBucket: storage.mediaBucket,
    table: storage.table,
    mediaBaseUrl: 'https://media.example.com',
  });
  const sweep = new UploadSweep(stack, 'Sweep', {
    ...settings,
    table: storage.table,
    uploadsBucket: storage.uploadsBucket,
    mediaBucket: storage.mediaBucket,
    processing,
  });
  return { storage, processing, sweep, template: Template.fromStack(stack) };
}

type Statement = { Action: string | string[]; Resource: unknown; Condition?: unknown };

describe('UploadSweep', () => {
  let s: ReturnType<typeof synth>;
  beforeAll(() => {
    s = synth();
  });

  const fnArn = () => ({ 'Fn::GetAtt': [logicalId(s.sweep.function.function), 'Arn'] });
  const queueArn = () => ({ 'Fn::GetAtt': [logicalId(s.sweep.deadLetterQueue), 'Arn'] });
  const statements = (): Statement[] => {
    const policy = s.template.toJSON().Resources[logicalId(s.sweep.function.role.node.findChild('DefaultPolicy'))];
    return policy.Properties.PolicyDocument.Statement as Statement[];
  };
  const actions = () => statements().flatMap((statement) => statement.Action);

  it('runs the sweep every 15 minutes, retrying twice and dead-lettering undeliverable runs', () => {
    s.template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(15 minutes)',
      State: 'ENABLED',
      Targets: [
        {
          Arn: fnArn(),
          Id: Match.anyValue(),
          RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 900 },
          DeadLetterConfig: { Arn: queueArn() },
        },
      ],
    });
    s.template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: logicalId(s.sweep.function.function) },
      MaximumRetryAttempts: 2,
      MaximumEventAgeInSeconds: 900,
    });
    s.template.hasResourceProperties('AWS::Lambda::Function', { Timeout: 300, DeadLetterConfig: { TargetArn: queueArn() } });
  });

  it("tells the function its timings: uploaded stalls after the margin, processing after the queue's visibility timeout plus it", () => {
    expect(s.sweep.settings).toEqual({
      intervalSeconds: 900,
      uploadedStallSeconds: 900,
      processingStallSeconds: 6 * 900 + 900,
      queueRetentionSeconds: 4 * 86_400,
      maxRequeues: 3,
      outputScanCycleSeconds: 86_400,
    });
    s.template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          SWEEP_SETTINGS: JSON.stringify(s.sweep.settings),
          PROCESS_QUEUE_URL: { Ref: logicalId(s.processing.queue) },
          UPLOADS_BUCKET: { Ref: logicalId(s.storage.uploadsBucket) },
          MEDIA_BUCKET: { Ref: logicalId(s.storage.mediaBucket) },
          UPLOADS_TABLE: { Ref: logicalId(s.storage.table) },
        }),
      },
    });
  });

  it('may send to the process queue and read its counts, update records, list upload folders and delete outputs, and nothing else', () => {
    expect(statements()).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ Action: ['sqs:GetQueueAttributes', 'sqs:SendMessage'], Resource: { 'Fn::GetAtt': [logicalId(s.processing.queue), 'Arn'] } }),
        expect.objectContaining({ Action: 's3:ListBucket', Condition: { StringLike: { 's3:prefix': ['media/', 'media/*/*'] } } }),
        expect.objectContaining({
          Action: 'dynamodb:Query',
          Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [logicalId(s.storage.table), 'Arn'] }, '/index/byPendingProcessing']] },
        }),
      ]),
    );
    expect(actions()).toEqual(expect.arrayContaining(['dynamodb:Query', 'dynamodb:BatchGetItem', 'dynamodb:UpdateItem', 's3:DeleteObject']));
    const forbidden = ['s3:GetObject', 's3:PutObject', 'dynamodb:PutItem', 'dynamodb:DeleteItem', 'sqs:ReceiveMessage', 'sqs:DeleteMessage', 's3:AbortMultipartUpload'];
    expect(actions().filter((action) => forbidden.includes(action))).toEqual([]);
    const uploadsBucket = logicalId(s.storage.uploadsBucket);
    expect(JSON.stringify(statements())).not.toContain(uploadsBucket);
  });

  it('follows custom settings', () => {
    const { sweep, template } = synth({ interval: Duration.hours(1), stallMargin: Duration.minutes(30), maxRequeues: 0, outputScanCycle: Duration.days(7) });
    expect(sweep.settings).toMatchObject({ intervalSeconds: 3600, uploadedStallSeconds: 1800, processingStallSeconds: 5400 + 1800, maxRequeues: 0, outputScanCycleSeconds: 604_800 });
    template.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'rate(1 hour)' });
  });

  it.each([
    [{ interval: Duration.seconds(30) }, 'sweep interval must be from 1 minute to 6 hours, got 30 seconds'],
    [{ interval: Duration.hours(7) }, 'sweep interval must be from 1 minute to 6 hours, got 25200 seconds'],
    [{ stallMargin: Duration.seconds(10) }, 'stallMargin must be whole seconds, at least 1 minute, got 10 seconds'],
    [{ maxRequeues: 11 }, 'maxRequeues must be a whole number from 0 to 10, got 11'],
    [{ maxRequeues: 1.5 }, 'maxRequeues must be a whole number from 0 to 10, got 1.5'],
    [{ interval: Duration.hours(2), outputScanCycle: Duration.hours(1) }, 'outputScanCycle must be whole seconds, at least the sweep interval (7200 seconds), got 1 hour'],
  ])('rejects %j, naming the value', (settings, message) => {
    expect(() => synth(settings)).toThrow(message);
  });
});
