import { Aspects, CfnParameter, type Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { Storage } from '../../lib/Storage.js';
import { UploadEvents, type WebhookProps } from '../../lib/UploadEvents.js';
import { WEBHOOK_RETRY_DELAYS_SECONDS } from '../../lambdas/shared/events/webhookRetrySchedule.js';
import { actionsOf, roleStatements, type TemplateResources } from './support/roleGrants.js';
import { logicalId, testStack } from './testApp.js';

type WebhookInput = Omit<WebhookProps, 'secret'> & { secret?: WebhookProps['secret'] };

function synth(webhooks: readonly WebhookInput[] = [], stack: Stack = testStack()) {
  const storage = new Storage(stack, 'Storage');
  const secret = new Secret(stack, 'HookSecret');
  const events = new UploadEvents(stack, 'Events', { uploadsTable: storage.table, webhooks: webhooks.map((webhook) => ({ secret, ...webhook })) });
  const template = Template.fromStack(stack);
  return { stack, storage, secret, events, template, resources: template.toJSON().Resources as TemplateResources };
}

const BACKEND: WebhookInput = { id: 'backend', url: 'https://hooks.example.com/media', events: ['Upload Ready', 'Upload Failed'] };
const AUDIT: WebhookInput = { id: 'audit', url: 'https://audit.example.com/in' };

describe('UploadEvents', () => {
  let s: ReturnType<typeof synth>;
  beforeAll(() => {
    s = synth([BACKEND, AUDIT]);
  });

  it('makes a bus, and a publisher on the Uploads table stream that may put events on that bus only', () => {
    s.template.resourceCountIs('AWS::Events::EventBus', 1);
    s.template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: { 'Fn::GetAtt': [logicalId(s.storage.table), 'StreamArn'] },
      FunctionName: { Ref: logicalId(s.events.publishFunction.function) },
      StartingPosition: 'TRIM_HORIZON',
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [logicalId(s.events.publishFailureQueue), 'Arn'] } } },
    });
    const statements = roleStatements(s.resources, logicalId(s.events.publishFunction.role));
    expect(statements.filter((statement) => actionsOf(statement).includes('events:PutEvents'))).toEqual([
      expect.objectContaining({ Action: 'events:PutEvents', Resource: { 'Fn::GetAtt': [logicalId(s.events.bus), 'Arn'] } }),
    ]);
    s.template.hasResourceProperties('AWS::Lambda::Function', {
      Role: { 'Fn::GetAtt': [logicalId(s.events.publishFunction.role), 'Arn'] },
      Environment: { Variables: Match.objectLike({ EVENT_BUS_NAME: { Ref: logicalId(s.events.bus) } }) },
    });
  });

  it('gives each webhook a rule on the bus (source media-pipeline, its event types) that queues { webhook, event }', () => {
    s.template.hasResourceProperties('AWS::Events::Rule', {
      EventBusName: { Ref: logicalId(s.events.bus) },
      EventPattern: { source: ['media-pipeline'], 'detail-type': ['Upload Ready', 'Upload Failed'] },
      Targets: [
        Match.objectLike({
          Arn: { 'Fn::GetAtt': [logicalId(s.events.webhookQueue!), 'Arn'] },
          InputTransformer: { InputPathsMap: Match.anyValue(), InputTemplate: Match.stringLikeRegexp('"webhook":"backend","event":<') },
          DeadLetterConfig: { Arn: { 'Fn::GetAtt': [logicalId(s.events.webhookDeadLetterQueue!), 'Arn'] } },
        }),
      ],
    });
    s.template.hasResourceProperties('AWS::Events::Rule', { EventPattern: { source: ['media-pipeline'], 'detail-type': Match.absent() } });
    const rule = s.resources[logicalId(s.events.webhookRules.get('backend')!)] as unknown as { Properties: { Targets: { InputTransformer: { InputPathsMap: Record<string, string> } }[] } };
    // The whole event, as EventBridge delivered it to the rule.
    expect(Object.values(rule.Properties.Targets[0]!.InputTransformer.InputPathsMap)).toEqual(['$']);
  });

  it('retries a delivery for over 24 hours: the queue keeps it past the last wait and dead-letters it after one receive per wait plus the first', () => {
    const totalWait = WEBHOOK_RETRY_DELAYS_SECONDS.reduce((sum, delay) => sum + delay, 0);
    expect(totalWait).toBeGreaterThanOrEqual(24 * 3600);
    expect(Math.max(...WEBHOOK_RETRY_DELAYS_SECONDS)).toBeLessThanOrEqual(12 * 3600);
    s.template.hasResourceProperties('AWS::SQS::Queue', {
      MessageRetentionPeriod: 4 * 86_400,
      SqsManagedSseEnabled: true,
      RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [logicalId(s.events.webhookDeadLetterQueue!), 'Arn'] }, maxReceiveCount: WEBHOOK_RETRY_DELAYS_SECONDS.length + 1 },
    });
    expect(4 * 86_400).toBeGreaterThan(totalWait);
  });

  it('lets only EventBridge rules of this bus send to the queues', () => {
    const policies = Object.values(s.resources).filter((resource) => resource.Type === 'AWS::SQS::QueuePolicy');
    const eventStatements = policies.flatMap((policy) => (policy.Properties as { PolicyDocument: { Statement: { Principal?: { Service?: string }; Condition?: unknown }[] } }).PolicyDocument.Statement).filter((statement) => statement.Principal?.Service === 'events.amazonaws.com');
    expect(eventStatements.length).toBeGreaterThan(0);
    for (const statement of eventStatements) expect(JSON.stringify(statement.Condition)).toContain('aws:SourceArn');
  });

  it('alarms on a dead-lettered delivery and on a stream batch the publisher gave up on', () => {
    for (const queue of [s.events.webhookDeadLetterQueue!, s.events.publishFailureQueue]) {
      s.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [logicalId(queue), 'QueueName'] } }],
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      });
    }
  });

  it("grants the deliverer the webhooks' secrets to read, backoff on its queue and the poller's actions, and nothing else", () => {
    const statements = roleStatements(s.resources, logicalId(s.events.deliveryFunction!.role));
    const actions = statements.flatMap(actionsOf).filter((action) => !action.startsWith('logs:') && !action.startsWith('xray:')).sort();
    expect(actions).toEqual(['secretsmanager:GetSecretValue', 'sqs:ChangeMessageVisibility', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes', 'sqs:ReceiveMessage']);
    expect(statements).toContainEqual(expect.objectContaining({ Action: 'secretsmanager:GetSecretValue', Resource: { Ref: logicalId(s.secret) } }));
    s.template.hasResourceProperties('AWS::Lambda::Function', {
      Role: { 'Fn::GetAtt': [logicalId(s.events.deliveryFunction!.role), 'Arn'] },
      Environment: { Variables: Match.objectLike({ WEBHOOK_QUEUE_URL: { Ref: logicalId(s.events.webhookQueue!) }, WEBHOOKS: Match.anyValue() }) },
    });
    s.template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: { 'Fn::GetAtt': [logicalId(s.events.webhookQueue!), 'Arn'] },
      BatchSize: 10,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      ScalingConfig: { MaximumConcurrency: 10 },
    });
  });

  it("never lets the deployed deliverer send to loopback: WEBHOOK_LOOPBACK is local mode's alone", () => {
    const deliverer = Object.values(s.resources).find(
      (resource) => resource.Type === 'AWS::Lambda::Function' && JSON.stringify(resource.Properties?.Role ?? '').includes(logicalId(s.events.deliveryFunction!.role)),
    );
    expect(deliverer?.Properties?.Environment?.Variables).toHaveProperty('WEBHOOKS');
    expect(deliverer?.Properties?.Environment?.Variables).not.toHaveProperty('WEBHOOK_LOOPBACK');
  });

  it('makes no queue, deliverer or rule without webhooks, and still the bus and its publisher', () => {
    const bare = synth([]);
    expect(bare.events.deliveryFunction).toBeUndefined();
    bare.template.resourceCountIs('AWS::Events::Rule', 0);
    bare.template.resourceCountIs('AWS::Events::EventBus', 1);
    bare.template.resourceCountIs('AWS::SQS::Queue', 1);
  });

  it('passes cdk-nag AwsSolutions with every finding acknowledged', () => {
    const stack = testStack();
    Aspects.of(stack).add(new AwsSolutionsChecks());
    synth([BACKEND], stack);
    const nag = Match.stringLikeRegexp('AwsSolutions-.*');
    const annotations = Annotations.fromStack(stack);
    expect([...annotations.findError('/Test/Events/*', nag), ...annotations.findWarning('/Test/Events/*', nag)].map((finding) => String(finding.entry.data))).toEqual([]);
  });

  it.each([
    [[{ ...BACKEND, url: 'http://hooks.example.com/media' }], "webhooks[0].url must be an https:// URL with a host and no credentials (over plain http anyone on the path reads the upload records and can replay them), got 'http://hooks.example.com/media'"],
    [[{ ...BACKEND, url: 'https://user:pw@hooks.example.com/' }], "webhooks[0].url must be an https:// URL"],
    [[{ ...BACKEND, url: 'hooks.example.com' }], "got 'hooks.example.com'"],
    [[BACKEND, { ...AUDIT, id: 'backend' }], "webhooks[1].id must be unique among the webhooks, got 'backend' twice"],
    [[{ ...BACKEND, id: 'back end' }], "webhooks[0].id must be 1 to 64 letters, digits and hyphens, starting with a letter or digit, got 'back end'"],
    [[{ ...BACKEND, events: ['Upload Done' as never] }], "webhooks[0].events has 'Upload Done', which is none of Upload Created, Upload Uploaded"],
    [[{ ...BACKEND, events: [] }], 'webhooks[0].events needs at least one event type'],
    [Array.from({ length: 11 }, (_, i) => ({ ...AUDIT, id: `hook${i}` })), 'webhooks takes at most 10 endpoints, got 11'],
    [[{ ...BACKEND, url: `https://hooks.example.com/${'a'.repeat(3000)}` }], /webhooks need about \d+ characters of the delivery function's 4 KB environment, over 3000/],
  ] as const)('fails synth naming the prop and value (case %#)', (webhooks, message) => {
    expect(() => synth(webhooks as readonly WebhookInput[])).toThrow(message);
  });

  it.each([
    ['https://127.0.0.1/hooks', '127.0.0.1 is a loopback address'],
    ['https://0x7f.1/hooks', '127.0.0.1 is a loopback address'],
    ['https://2130706433/hooks', '127.0.0.1 is a loopback address'],
    ['https://[::ffff:127.0.0.1]/hooks', '[::ffff:7f00:1] is a loopback address'],
    ['https://169.254.169.254/latest/meta-data/', '169.254.169.254 is a link-local address'],
    ['https://[::ffff:169.254.169.254]/', '[::ffff:a9fe:a9fe] is a link-local address'],
    ['https://10.0.0.5/hooks', '10.0.0.5 is a private address'],
    ['https://172.20.1.1/hooks', '172.20.1.1 is a private address'],
    ['https://192.168.1.20/hooks', '192.168.1.20 is a private address'],
    ['https://100.64.0.1/hooks', '100.64.0.1 is a carrier-grade NAT (shared) address'],
    ['https://0.0.0.0/hooks', '0.0.0.0 is an unspecified address'],
    ['https://[::]/hooks', '[::] is an unspecified address'],
    ['https://[fe80::1]/hooks', '[fe80::1] is a link-local address'],
    ['https://[fd00::1]/hooks', '[fd00::1] is a unique-local address'],
    ['https://localhost/hooks', 'localhost names this machine (loopback)'],
    ['https://hooks.localhost/in', 'hooks.localhost names this machine (loopback)'],
  ])('fails synth on a URL that points inside, naming the prop, the value and why: %s', (url, why) => {
    expect(() => synth([{ ...BACKEND, url }])).toThrow(
      `webhooks[0].url must point at a receiver outside the deployer's network, got '${url}': its host ${why}: a delivery would reach the deployer's own network or the Lambda runtime, not a receiver`,
    );
  });

  it('leaves a URL made at deploy time to the deliverer, which checks it before each send', () => {
    const stack = testStack();
    const host = new CfnParameter(stack, 'HookHost', { default: '127.0.0.1' }).valueAsString;
    expect(() => synth([{ ...BACKEND, url: `https://${host}/hooks` }], stack)).not.toThrow();
  });
});
