import { Duration } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { Storage } from '../../lib/Storage.js';
import { UploadExpiry } from '../../lib/UploadExpiry.js';
import { logicalId, testStack } from './testApp.js';

function synth(interval?: Duration) {
  const stack = testStack();
  const storage = new Storage(stack, 'Storage');
  const expiry = new UploadExpiry(stack, 'Expiry', {
    uploadsBucket: storage.uploadsBucket,
    table: storage.table,
    usageTable: storage.usageTable,
    interval,
  });
  return { storage, expiry, template: Template.fromStack(stack) };
}

describe('UploadExpiry', () => {
  let s: ReturnType<typeof synth>;
  beforeAll(() => {
    s = synth();
  });

  const fnArn = () => ({ 'Fn::GetAtt': [logicalId(s.expiry.function.function), 'Arn'] });
  const queueArn = () => ({ 'Fn::GetAtt': [logicalId(s.expiry.deadLetterQueue), 'Arn'] });

  it('runs the expiry function every 15 minutes, retrying twice and dead-lettering undeliverable runs', () => {
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
  });

  it('retries a failed run twice and then sends its event to the same dead-letter queue', () => {
    s.template.hasResourceProperties('AWS::Lambda::Function', {
      Handler: 'index.handler',
      DeadLetterConfig: { TargetArn: queueArn() },
    });
    s.template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: logicalId(s.expiry.function.function) },
      MaximumRetryAttempts: 2,
      MaximumEventAgeInSeconds: 900,
    });
  });

  it('keeps the dead-letter queue encrypted, TLS-only and open to this rule alone', () => {
    s.template.hasResourceProperties('AWS::SQS::Queue', { SqsManagedSseEnabled: true, MessageRetentionPeriod: 1_209_600 });
    s.template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      Queues: [{ Ref: logicalId(s.expiry.deadLetterQueue) }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          Match.objectLike({
            Effect: 'Allow',
            Action: 'sqs:SendMessage',
            Principal: { Service: 'events.amazonaws.com' },
            Condition: { ArnEquals: { 'aws:SourceArn': { 'Fn::GetAtt': [logicalId(s.expiry.rule), 'Arn'] } } },
          }),
        ]),
      },
    });
  });

  it('may query the pending-expiry index, read and update records, abort or find originals and read their checksum; nothing else', () => {
    const policy = s.template.toJSON().Resources[logicalId(s.expiry.function.role.node.findChild('DefaultPolicy'))];
    const statements = policy.Properties.PolicyDocument.Statement as Array<{ Action: string | string[]; Resource: unknown; Condition?: unknown }>;
    const arn = (construct: Parameters<typeof logicalId>[0]) => ({ 'Fn::GetAtt': [logicalId(construct), 'Arn'] });
    expect(statements).toEqual(
      expect.arrayContaining([
        // The same two actions on the Usage table: CDK merges them into one statement.
        { Action: ['dynamodb:GetItem', 'dynamodb:UpdateItem'], Effect: 'Allow', Resource: [arn(s.storage.table), arn(s.storage.usageTable)] },
        { Action: 'dynamodb:Query', Effect: 'Allow', Resource: { 'Fn::Join': ['', [arn(s.storage.table), '/index/byPendingExpiry']] } },
        { Action: ['s3:AbortMultipartUpload', 's3:GetObjectAttributes'], Effect: 'Allow', Resource: { 'Fn::Join': ['', [arn(s.storage.uploadsBucket), '/uploads/*/source']] } },
        {
          Action: 's3:ListBucket',
          Condition: { StringLike: { 's3:prefix': ['uploads/*/source'] } },
          Effect: 'Allow',
          Resource: arn(s.storage.uploadsBucket),
        },
      ]),
    );
    const actions = statements.flatMap((statement) => statement.Action);
    expect(actions.filter((action) => /^s3:(Put|Get|Delete)Object$/.test(action))).toEqual([]);
  });

  it('may read and update the Usage table, where an expiry releases the upload', () => {
    const policy = s.template.toJSON().Resources[logicalId(s.expiry.function.role.node.findChild('DefaultPolicy'))];
    const onUsage = (policy.Properties.PolicyDocument.Statement as Array<{ Action: string | string[]; Resource: unknown }>).filter(
      (statement) => JSON.stringify(statement.Resource).includes(logicalId(s.storage.usageTable)),
    );
    expect(onUsage.flatMap((statement) => statement.Action)).toEqual(['dynamodb:GetItem', 'dynamodb:UpdateItem']);
    s.template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ USAGE_TABLE: { Ref: logicalId(s.storage.usageTable) } }) },
    });
  });

  it('follows a custom interval in the schedule and the event age', () => {
    const { template } = synth(Duration.hours(1));
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(1 hour)',
      Targets: [Match.objectLike({ RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 3600 } })],
    });
  });

  it('rejects an interval the retry settings cannot follow, naming it', () => {
    expect(() => synth(Duration.seconds(30))).toThrow('interval must be from 1 minute to 6 hours, got 30 seconds');
    expect(() => synth(Duration.hours(7))).toThrow('interval must be from 1 minute to 6 hours, got 25200 seconds');
  });
});
