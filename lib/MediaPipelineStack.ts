import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { MediaPipeline, type MediaPipelineProps } from './MediaPipeline.js';
import { importWebhooks, type WebhookContext } from './readWebhookContext.js';

export interface MediaPipelineStackProps extends StackProps {
  /** @default - `MediaPipeline`'s defaults */
  readonly pipeline?: MediaPipelineProps;
  /**
   * Webhooks whose secrets are named by ARN (the `webhooks` context key), imported into this
   * stack and added to `pipeline.webhooks`.
   * @default - none
   */
  readonly webhooks?: readonly WebhookContext[];
}

/** The deployable stack: the pipeline, and the outputs a client or the CLI needs to reach it. */
export class MediaPipelineStack extends Stack {
  readonly pipeline: MediaPipeline;

  constructor(scope: Construct, id: string, props: MediaPipelineStackProps = {}) {
    super(scope, id, props);
    const webhooks = [...(props.pipeline?.webhooks ?? []), ...importWebhooks(this, props.webhooks ?? [])];
    this.pipeline = new MediaPipeline(this, 'Pipeline', { ...props.pipeline, webhooks });
    const { api, auth, storage, cdn, progress } = this.pipeline;

    new CfnOutput(this, 'ApiUrl', { value: api.url, description: 'Base URL of the uploads API' });
    if (progress) {
      new CfnOutput(this, 'WebSocketUrl', { value: progress.url, description: 'wss:// URL of the live-progress WebSocket API' });
    }
    if (auth.userPool && auth.userPoolClient) {
      new CfnOutput(this, 'UserPoolId', { value: auth.userPool.userPoolId, description: 'Cognito user pool id' });
      new CfnOutput(this, 'UserPoolClientId', {
        value: auth.userPoolClient.userPoolClientId,
        description: 'App client id (the JWT audience)',
      });
    }
    new CfnOutput(this, 'UploadsBucketName', { value: storage.uploadsBucket.bucketName, description: 'Bucket of originals' });
    new CfnOutput(this, 'MediaBucketName', { value: storage.mediaBucket.bucketName, description: 'Bucket of outputs' });
    new CfnOutput(this, 'MediaBaseUrl', {
      value: cdn.mediaBaseUrl,
      description: 'CDN base URL that playback URLs (HLS, posters, thumbnails) start with',
    });
    if (this.pipeline.demoPage) {
      new CfnOutput(this, 'DemoPageUrl', { value: this.pipeline.demoPage.url, description: 'The demo page (docs/uppy.md): sign in with a token of the user pool' });
    }
    const mediaConvert = this.pipeline.processing.mediaConvert;
    if (mediaConvert) {
      new CfnOutput(this, 'MediaConvertQueueArn', { value: mediaConvert.queue.attrArn, description: 'MediaConvert queue of long and large video (npm run test:aws reads it)' });
      new CfnOutput(this, 'MediaConvertJobRoleArn', { value: mediaConvert.jobRole.roleArn, description: 'Role MediaConvert jobs run as (npm run test:aws reads it)' });
    }
    new CfnOutput(this, 'EventBusName', { value: this.pipeline.events.bus.eventBusName, description: 'EventBridge bus of upload state changes (source media-pipeline)' });
    new CfnOutput(this, 'UploadsTableName', { value: storage.table.tableName, description: 'Uploads table' });
    new CfnOutput(this, 'UsageTableName', { value: storage.usageTable.tableName, description: 'Per-user usage counters' });
  }
}
