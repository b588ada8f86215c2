import type { TemplateResources } from './roleGrants.js';

/**
 * The actions the Lambda service itself calls with a function's execution role, derived from the
 * function's own configuration in the template (none of them is in the function's code), each
 * with why:
 * - a log group (LoggingConfig): the runtime writes the function's logs into it;
 * - active tracing: the runtime sends trace segments to X-Ray;
 * - an SQS dead-letter queue for asynchronous events: Lambda sends events that failed every try;
 * - an SQS event source mapping: Lambda's poller receives, deletes and reads the queue's
 *   attributes (the Lambda guide's list), and decrypts messages of a queue with a KMS key.
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
    const queue = queueNamed(resources, mapping.Properties?.EventSourceArn);
    if (!queue) throw new Error(`${functionId} has an event source the least-privilege test does not know: ${JSON.stringify(mapping.Properties?.EventSourceArn)}`);
    add("Lambda's poller reads the queue with the function's role", 'sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes');
    if (queue.Properties?.KmsMasterKeyId !== undefined) add("Lambda's poller decrypts the queue's messages", 'kms:Decrypt');
  }
  return actions;
}

function queueNamed(resources: TemplateResources, arn: unknown): TemplateResources[string] | undefined {
  const getAtt = (arn as { 'Fn::GetAtt'?: [string, string] } | undefined)?.['Fn::GetAtt'];
  if (!getAtt || getAtt[1] !== 'Arn') return undefined;
  const resource = resources[getAtt[0]];
  return resource?.Type === 'AWS::SQS::Queue' ? resource : undefined;
}
