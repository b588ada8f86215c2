import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { MediaPipelineStack } from '../../lib/MediaPipelineStack.js';
import { logicalId, testApp } from './testApp.js';

describe('MediaPipelineStack', () => {
  it('outputs the API URL, the WebSocket URL, the user pool and client ids, both bucket names, the CDN base URL, the MediaConvert queue and job role, the table names and the event bus', () => {
    const stack = new MediaPipelineStack(testApp(), 'MediaPipeline');
    const { storage, auth } = stack.pipeline;
    const outputs = Template.fromStack(stack).toJSON().Outputs;
    expect(Object.keys(outputs).sort()).toEqual(
      [
        'ApiUrl',
        'EventBusName',
        'MediaBaseUrl',
        'MediaBucketName',
        'MediaConvertJobRoleArn',
        'MediaConvertQueueArn',
        'UploadsBucketName',
        'UploadsTableName',
        'UsageTableName',
        'UserPoolClientId',
        'UserPoolId',
        'WebSocketUrl',
      ].sort(),
    );
    const mediaConvert = stack.pipeline.processing.mediaConvert!;
    expect(outputs.MediaConvertQueueArn.Value).toEqual({ 'Fn::GetAtt': [logicalId(mediaConvert.queue), 'Arn'] });
    expect(outputs.MediaConvertJobRoleArn.Value).toEqual({ 'Fn::GetAtt': [logicalId(mediaConvert.jobRole), 'Arn'] });
    expect(outputs.UploadsBucketName.Value).toEqual({ Ref: logicalId(storage.uploadsBucket) });
    expect(outputs.MediaBucketName.Value).toEqual({ Ref: logicalId(storage.mediaBucket) });
    expect(outputs.UploadsTableName.Value).toEqual({ Ref: logicalId(storage.table) });
    expect(outputs.UsageTableName.Value).toEqual({ Ref: logicalId(storage.usageTable) });
    expect(outputs.EventBusName.Value).toEqual({ Ref: logicalId(stack.pipeline.events.bus) });
    expect(outputs.UserPoolId.Value).toEqual({ Ref: logicalId(auth.userPool!) });
    expect(outputs.UserPoolClientId.Value).toEqual({ Ref: logicalId(auth.userPoolClient!) });
    expect(JSON.stringify(outputs.MediaBaseUrl.Value)).toContain(logicalId(stack.pipeline.cdn.distribution));
    expect(JSON.stringify(outputs.ApiUrl.Value)).toContain(logicalId(stack.pipeline.api.httpApi));
    expect(outputs.WebSocketUrl.Value).toEqual({
      'Fn::Join': ['', ['wss://', { Ref: logicalId(stack.pipeline.progress!.webSocketApi) }, '.execute-api.', { Ref: 'AWS::Region' }, '.', { Ref: 'AWS::URLSuffix' }, '/live']],
    });
  });

  it('has no MediaConvert outputs with the ffmpeg transcoder only', () => {
    const stack = new MediaPipelineStack(testApp(), 'MediaPipeline', { pipeline: { processing: { transcoder: 'ffmpeg' } } });
    expect(Object.keys(Template.fromStack(stack).toJSON().Outputs)).not.toContain('MediaConvertQueueArn');
  });

  it('has no WebSocket URL output with live progress off', () => {
    const stack = new MediaPipelineStack(testApp(), 'MediaPipeline', { pipeline: { progress: { enabled: false } } });
    expect(Object.keys(Template.fromStack(stack).toJSON().Outputs)).not.toContain('WebSocketUrl');
  });

  it('has no user pool outputs with an external issuer', () => {
    const stack = new MediaPipelineStack(testApp(), 'MediaPipeline', {
      pipeline: { auth: { jwtIssuer: 'https://issuer.example.com', jwtAudience: ['media-app'] } },
    });
    const outputs = Template.fromStack(stack).toJSON().Outputs;
    expect(Object.keys(outputs)).not.toContain('UserPoolId');
    expect(Object.keys(outputs)).not.toContain('UserPoolClientId');
  });
});
