import { Duration, type RemovalPolicy } from 'aws-cdk-lib';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import type { EventFunctionDefinition } from './eventFunctions.js';
import { PipelineFunction } from './PipelineFunction.js';

export interface ScheduledFunctionOptions {
  /** How often it runs; also its retry window. From 1 minute to 6 hours. */
  readonly interval: Duration;
  readonly removalPolicy: RemovalPolicy;
  /** Variables besides the ones `bind*` methods set. @default - none */
  readonly environment?: Readonly<Record<string, string>>;
}

export interface ScheduledFunction {
  readonly function: PipelineFunction;
  readonly rule: Rule;
  readonly deadLetterQueue: Queue;
}

/**
 * A periodic job (the expiry job, the sweep): a 256 MB, 5-minute function that an EventBridge
 * rule invokes every `interval`. A failed run is retried twice, then its event lands in an
 * encrypted, TLS-only dead-letter queue, whether EventBridge could not deliver it or the function
 * kept failing; a tick older than one interval is dropped, superseded by the next run. Made in
 * `scope` with the IDs `DeadLetterQueue`, the definition's id and `Schedule`.
 */
export function scheduledFunction(scope: Construct, definition: EventFunctionDefinition, options: ScheduledFunctionOptions): ScheduledFunction {
  const { interval } = options;
  const seconds = interval.toSeconds({ integral: false });
  // The interval is also the retry window, and Lambda keeps an async event at most 6 hours.
  if (seconds < 60 || seconds > 6 * 3600) {
    throw new Error(`${definition.id}: interval must be from 1 minute to 6 hours, got ${seconds} seconds`);
  }

  // SQS-managed keys, not the AWS-managed KMS key: EventBridge cannot send to a queue encrypted with aws/sqs.
  const deadLetterQueue = new Queue(scope, 'DeadLetterQueue', {
    encryption: QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    retentionPeriod: Duration.days(14),
  });
  const fn = new PipelineFunction(scope, definition.id, {
    handlerDir: definition.handler,
    description: definition.description,
    memorySize: 256,
    // Bounded work per run finishes well within this, and well before the next run.
    timeout: Duration.minutes(5),
    retryAttempts: 2,
    maxEventAge: interval,
    deadLetterQueue,
    logRemovalPolicy: options.removalPolicy,
    ...(options.environment === undefined ? {} : { environment: { ...options.environment } }),
  });
  const rule = new Rule(scope, 'Schedule', {
    description: definition.description,
    schedule: Schedule.rate(interval),
    targets: [new LambdaFunction(fn.function, { retryAttempts: 2, maxEventAge: interval, deadLetterQueue })],
  });
  return { function: fn, rule, deadLetterQueue };
}
