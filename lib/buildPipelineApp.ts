import { type App, Aspects } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { MediaPipelineStack } from './MediaPipelineStack.js';
import { readPipelineContext } from './readPipelineContext.js';
import { readWebhookContext } from './readWebhookContext.js';

/**
 * Everything `bin/app.ts` deploys, in a function so the cdk-nag test checks the very same app:
 * the stack configured from context, and the AwsSolutions checks over all of it. An
 * unacknowledged AwsSolutions error fails synth; the nag test rejects warnings too.
 */
export function buildPipelineApp(app: App): MediaPipelineStack {
  const stack = new MediaPipelineStack(app, 'MediaPipeline', {
    description: 'media-pipeline: multipart uploads straight to S3 behind a JWT-authorized HTTP API',
    env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
    pipeline: readPipelineContext(app.node),
    webhooks: readWebhookContext(app.node),
  });
  Aspects.of(app).add(new AwsSolutionsChecks());
  return stack;
}
