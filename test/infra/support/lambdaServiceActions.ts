import type { TemplateResources } from './roleGrants.js';

/**
 * The actions the Lambda service itself calls with a function's execution role, derived from the
 * function's own configuration in the template (none of them is in the function's code), each
 * with why:
 * - a log group (LoggingConfig): the runtime writes the function's logs into it;
 * - active tracing: the runtime sends trace segments to X-Ray;
 * - an SQS dead-letter queue for asynchronous events: Lambda sends events that failed every try;
 * - an SQS event source mapping: Lambda's poller receives, deletes and reads the queue's
 *   attributes (the Lambda guide's list), and decrypts messages of a queue with a KMS key;
 * - a DynamoDB stream event source mapping: Lambda's poller describes, lists and reads the
 *   stream (the four actions CreateEventSourceMapping checks for), and sends a record of each
 *   discarded batch to the mapping's on-failure SQS queue.
 */
export function lambdaServiceActions(resources: TemplateResources, functionId: string): Map<string, string> {
  const fn = resources[functionId];
  if (fn?.Type !== 'AWS::Lambda::Function') throw new Error(`${functionId} is not a function in the template`);
  const properties = fn.Properties ?? {};
  const actions = new Map<string, string>();
  const add = (reason: string, ...names: string[]) => names.forEach((name) => actions.set(name, reason));

  if (properties.LoggingConfig?.LogGroup) add('the runtime writes logs to its log group', 'logs:CreateLogStream', 'logs:PutLogEvents');
  if (properties.TracingConfig?.Mode === 'Active') add('active tracing sends segments to X-Ray', 'xray:PutTraceSegments', 'xray:PutTelemetryRecords');
  const deadLetter = queueNamed(resources, properties.DeadLetterConfig?.TargetArn);
  if (deadLetter) add('Lambda sends asynchronous events that failed every try to the dead-letter queue', 'sqs:SendMessage');

  const mappings = Object.values(resources).filter(
    (resource) =>
      resource.Type === 'AWS::Lambda::EventSourceMapping' &&
      JSON.stringify(resource.Properties?.FunctionName) === JSON.stringify({ Ref: functionId }),
  );
  for (const mapping of mappings) {
    const source = mapping.Properties?.EventSourceArn;
    const queue = queueNamed(resources, source);
    if (queue) {
      add("Lambda's poller reads the queue with the function's role", 'sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes');
      if (queue.Properties?.KmsMasterKeyId !== undefined) add("Lambda's poller decrypts the queue's messages", 'kms:Decrypt');
    } else if (isTableStream(resources, source)) {
      add(
        "Lambda's poller reads the table's stream with the function's role",
        'dynamodb:DescribeStream',
        'dynamodb:GetRecords',
        'dynamodb:GetShardIterator',
        'dynamodb:ListStreams',
      );
    } else {
      throw new Error(`${functionId} has an event source the least-privilege test does not know: ${JSON.stringify(source)}`);
    }
    const onFailure = mapping.Properties?.DestinationConfig?.OnFailure?.Destination;
    if (onFailure !== undefined) {
      if (!queueNamed(resources, onFailure)) throw new Error(`${functionId} has an on-failure destination the least-privilege test does not know: ${JSON.stringify(onFailure)}`);
      add('Lambda sends a record of each discarded batch to the on-failure queue', 'sqs:SendMessage');
    }
  }
  return actions;
}

function isTableStream(resources: TemplateResources, arn: unknown): boolean {
  const getAtt = (arn as { 'Fn::GetAtt'?: [string, string] } | undefined)?.['Fn::GetAtt'];
  return getAtt !== undefined && getAtt[1] === 'StreamArn' && resources[getAtt[0]]?.Type === 'AWS::DynamoDB::Table';
}

function queueNamed(resources: TemplateResources, arn: unknown): TemplateResources[string] | undefined {
  const getAtt = (arn as { 'Fn::GetAtt'?: [string, string] } | undefined)?.['Fn::GetAtt'];
  if (!getAtt || getAtt[1] !== 'Arn') return undefined;
  const resource = resources[getAtt[0]];
  return resource?.Type === 'AWS::SQS::Queue' ? resource : undefined;
}
