import { Duration } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { StorageClass } from 'aws-cdk-lib/aws-s3';
import { beforeAll, describe, expect, it } from 'vitest';
import { MediaPipeline, type MediaPipelineProps } from '../../lib/MediaPipeline.js';
import { PipelineFunction } from '../../lib/PipelineFunction.js';
import { logicalId, testStack } from './testApp.js';

function synth(props?: MediaPipelineProps) {
  const stack = testStack();
  const pipeline = new MediaPipeline(stack, 'Pipeline', props);
  return { pipeline, template: Template.fromStack(stack), functions: stack.node.findAll().filter((c): c is PipelineFunction => c instanceof PipelineFunction) };
}

type Synth = ReturnType<typeof synth>;
type Statement = { Action: string | string[]; Resource: unknown; Condition?: unknown };

function variables(s: Synth, fn: PipelineFunction): Record<string, unknown> {
  return s.template.toJSON().Resources[logicalId(fn.function)].Properties.Environment.Variables;
}

function uploadsLifecycle(s: Synth): unknown[] {
  return s.template.toJSON().Resources[logicalId(s.pipeline.storage.uploadsBucket)].Properties.LifecycleConfiguration.Rules;
}

const DEFAULT_SETTINGS = JSON.stringify({ readyOriginals: 'keep', failedUploadsSeconds: 7 * 86_400, recordsSeconds: 30 * 86_400 });

describe('retention (MediaPipeline with the default rules)', () => {
  let s: Synth;
  beforeAll(() => {
    s = synth();
  });

  it("turns on the Uploads table's TTL on removeAt and gives it the job's sparse index", () => {
    s.template.hasResourceProperties('AWS::DynamoDB::Table', {
      TimeToLiveSpecification: { AttributeName: 'removeAt', Enabled: true },
      GlobalSecondaryIndexes: Match.arrayWith([
        Match.objectLike({
          IndexName: 'byPendingRetention',
          KeySchema: [
            { AttributeName: 'pendingRetention', KeyType: 'HASH' },
            { AttributeName: 'updatedAt', KeyType: 'RANGE' },
          ],
        }),
      ]),
    });
  });

  it('moves no original to another storage class: the only rule of the uploads bucket aborts abandoned multipart uploads', () => {
    expect(uploadsLifecycle(s)).toEqual([{ AbortIncompleteMultipartUpload: { DaysAfterInitiation: 2 }, Status: 'Enabled' }]);
  });

  it('runs the retention job hourly, retrying twice and dead-lettering runs that keep failing, with the default rules', () => {
    const fn = s.pipeline.retention.function;
    s.template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(1 hour)',
      Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [logicalId(fn.function), 'Arn'] }, RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 3600 } })],
    });
    expect(variables(s, fn)).toMatchObject({ RETENTION_SETTINGS: DEFAULT_SETTINGS });
  });

  it('grants the job only its index, record writes, usage counters, and deletes of originals and outputs', () => {
    const fn = s.pipeline.retention.function;
    const policy = s.template.toJSON().Resources[logicalId(fn.role.node.findChild('DefaultPolicy'))];
    const statements = policy.Properties.PolicyDocument.Statement as Statement[];
    const actions = [...new Set(statements.flatMap((statement) => statement.Action))].sort();
    expect(actions).toEqual([
      'dynamodb:GetItem',
      'dynamodb:Query',
      'dynamodb:UpdateItem',
      'logs:CreateLogStream',
      'logs:PutLogEvents',
      's3:AbortMultipartUpload',
      's3:DeleteObject',
      's3:ListBucket',
      // Its dead-letter queue.
      'sqs:SendMessage',
      'xray:PutTelemetryRecords',
      'xray:PutTraceSegments',
    ]);
    const query = statements.filter((statement) => [statement.Action].flat().includes('dynamodb:Query'));
    expect(JSON.stringify(query.map((statement) => statement.Resource))).toContain('/index/byPendingRetention');
    expect(JSON.stringify(query.map((statement) => statement.Resource))).not.toMatch(/index\/(?!byPendingRetention)/);
    const listing = statements.find((statement) => statement.Action === 's3:ListBucket');
    expect(listing?.Condition).toEqual({ StringLike: { 's3:prefix': ['media/*/*'] } });
  });

  it('tells every function that updates upload records the rules (transition stamps them), and no other', () => {
    const writers = s.functions.filter((fn) => fn.writesUploadRecords);
    // Routes that cancel, complete or expire; processing, dead letters, MediaConvert status, the jobs, live progress.
    expect(writers.length).toBeGreaterThanOrEqual(10);
    for (const fn of writers) expect(variables(s, fn), fn.node.path).toMatchObject({ RETENTION_SETTINGS: DEFAULT_SETTINGS });
    for (const fn of s.functions.filter((candidate) => !candidate.writesUploadRecords)) {
      expect(variables(s, fn), fn.node.path).not.toHaveProperty('RETENTION_SETTINGS');
    }
    expect(writers.map((fn) => fn.node.path)).toEqual(
      expect.arrayContaining([s.pipeline.processing.function.node.path, s.pipeline.sweep.function.node.path, s.pipeline.expiry.function.node.path]),
    );
  });
});

describe('retention props', () => {
  it('archives originals by an S3 lifecycle rule on uploads/: to Glacier Instant Retrieval after 30 days by default', () => {
    const s = synth({ retention: { readyOriginals: 'archive' } });
    expect(uploadsLifecycle(s)).toContainEqual({
      Id: 'ArchiveOriginals',
      Prefix: 'uploads/',
      Status: 'Enabled',
      Transitions: [{ StorageClass: 'GLACIER_IR', TransitionInDays: 30 }],
    });
    expect(variables(s, s.pipeline.retention.function)).toMatchObject({
      RETENTION_SETTINGS: JSON.stringify({ readyOriginals: 'archive', failedUploadsSeconds: 7 * 86_400, recordsSeconds: 30 * 86_400 }),
    });
  });

  it('tells every record writer the rules it is given: ready originals deleted, failed bytes after 3 days, records after 10', () => {
    const s = synth({
      retention: { readyOriginals: 'delete', deleteFailedAfter: Duration.days(3), removeRecordsAfter: Duration.days(10), interval: Duration.minutes(20) },
    });
    const expected = JSON.stringify({ readyOriginals: 'delete', failedUploadsSeconds: 3 * 86_400, recordsSeconds: 10 * 86_400 });
    for (const fn of s.functions.filter((candidate) => candidate.writesUploadRecords)) expect(variables(s, fn)).toMatchObject({ RETENTION_SETTINGS: expected });
    s.template.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'rate(20 minutes)', Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [logicalId(s.pipeline.retention.function.function), 'Arn'] } })] });
    expect(uploadsLifecycle(s)).toHaveLength(1);
  });

  it('fails synth on a retention value out of range, naming the prop and the value', () => {
    const cases: [MediaPipelineProps['retention'], string][] = [
      [{ deleteFailedAfter: Duration.days(0) }, 'retention.deleteFailedAfter must be whole days from 1 to 365, got 0 days'],
      [{ deleteFailedAfter: Duration.hours(36) }, 'retention.deleteFailedAfter must be whole days from 1 to 365, got 1 day 12 hours'],
      [{ removeRecordsAfter: Duration.days(7) }, 'retention.removeRecordsAfter must be whole days from 8 to 3650, got 7 days'],
      [{ readyOriginals: 'archive', archiveAfter: Duration.days(10), archiveStorageClass: StorageClass.INFREQUENT_ACCESS }, 'retention.archiveAfter must be whole days from 30 to 3650, got 10 days'],
      [{ readyOriginals: 'archive', archiveStorageClass: StorageClass.DEEP_ARCHIVE }, 'retention.archiveStorageClass must be one S3 serves at once'],
      [{ archiveAfter: Duration.days(60) }, "retention.archiveAfter needs retention.readyOriginals: 'archive', got readyOriginals: 'keep'"],
      [{ readyOriginals: 'shred' as never }, 'retention.readyOriginals must be one of keep, archive, delete, got "shred"'],
      [{ interval: Duration.hours(12) }, 'retention.interval must be whole seconds from 1 minute to 6 hours, got 12 hours'],
    ];
    for (const [retention, message] of cases) expect(() => new MediaPipeline(testStack(), 'Pipeline', { retention })).toThrow(message);
  });
});
