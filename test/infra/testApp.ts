import { readFileSync } from 'node:fs';
import { App, type CfnElement, Stack } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

const cdkJson = JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')) as {
  context: Record<string, unknown>;
};

export interface TestAppOptions {
  /** Extra context, like `cdk synth -c key=value`. */
  readonly context?: Record<string, unknown>;
  /**
   * Run esbuild for every function. Template assertions do not need the bundles, so they skip it.
   * @default false
   */
  readonly bundle?: boolean;
}

/** An App with cdk.json's feature flags, so templates match what `cdk synth` produces. */
export function testApp(options: TestAppOptions = {}): App {
  return new App({
    context: {
      ...cdkJson.context,
      ...(options.bundle ? {} : { 'aws:cdk:bundling-stacks': [] }),
      ...options.context,
    },
  });
}

/** A stack in a fresh test app. */
export function testStack(options: TestAppOptions = {}): Stack {
  return new Stack(testApp(options), 'Test');
}

/** The template logical id of a construct's CloudFormation resource. */
export function logicalId(construct: IConstruct): string {
  const element = (construct.node.defaultChild ?? construct) as CfnElement;
  return Stack.of(construct).getLogicalId(element);
}
