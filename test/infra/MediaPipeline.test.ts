import { readFileSync } from 'node:fs';
import { Duration, Size } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { PROGRESS_ENV } from '../../lambdas/shared/config.js';
import { DEFAULT_UPLOAD_POLICY } from '../../lambdas/shared/mediaPolicy.js';
import { MediaPipeline, type MediaPipelineProps } from '../../lib/MediaPipeline.js';
import { PIPELINE_FEATURE_FLAGS } from '../../lib/pipelineFeatureFlags.js';
import { ROUTES } from '../../lib/routes.js';
import { logicalId, testStack } from './testApp.js';

function synth(props?: MediaPipelineProps) {
  const stack = testStack();
  const pipeline = new MediaPipeline(stack, 'Pipeline', props);
  return { pipeline, template: Template.fromStack(stack) };
}

function abortDays(s: ReturnType<typeof synth>): unknown {
  const bucket = s.template.toJSON().Resources[logicalId(s.pipeline.storage.uploadsBucket)];
  return bucket.Properties.LifecycleConfiguration.Rules[0].AbortIncompleteMultipartUpload.DaysAfterInitiation;
}

describe('MediaPipeline', () => {
  it('gives every API function and the expiry job the UPLOAD_POLICY its props describe', () => {
    const s = synth({
      maxFileSize: Size.gibibytes(2),
      acceptedTypes: { video: ['video/mp4'] },
      partUrlExpiry: Duration.minutes(5),
      maxMetadataBytes: 1024,
    });
    const expected = {
      ...DEFAULT_UPLOAD_POLICY,
      maxFileSize: 2 * 1024 ** 3,
      acceptedTypes: { ...DEFAULT_UPLOAD_POLICY.acceptedTypes, video: ['video/mp4'] },
      partUrlExpirySeconds: 300,
      maxMetadataBytes: 1024,
      maxBytesInFlightPerUser: 4 * 1024 ** 3,
    };
    expect(s.pipeline.uploadPolicy).toEqual(expected);
    const functions = s.template.findResources('AWS::Lambda::Function', {
      Properties: { Environment: { Variables: { UPLOAD_POLICY: JSON.stringify(expected) } } },
    });
    expect(Object.keys(functions)).toHaveLength(ROUTES.length + 1);
  });

  it('gives the Usage table to every function that reserves uploads or moves records, and to no other', () => {
    const { pipeline, template } = synth();
    const withUsage = template.findResources('AWS::Lambda::Function', {
      Properties: { Environment: { Variables: { USAGE_TABLE: { Ref: logicalId(pipeline.storage.usageTable) } } } },
    });
    const { api, expiry, processing, sweep } = pipeline;
    const movers = [
      api.functions.get('CreateUpload')!,
      api.functions.get('CompleteUpload')!,
      api.functions.get('DeleteUpload')!,
      // Companion's create, complete and abort are those operations.
      api.functions.get('CompanionCreateUpload')!,
      api.functions.get('CompanionCompleteUpload')!,
      api.functions.get('CompanionAbortUpload')!,
      api.functions.get('CompanionUploadParameters')!,
      expiry.function,
      processing.function,
      processing.deadLetterFunction,
      // It fails stalled uploads, and that transition settles the owner's usage.
      sweep.function,
      // It writes the uploader's bytesSent through transition.
      pipeline.progress!.functions.get('Message')!,
      // MediaConvert job events end uploads ready or failed.
      processing.mediaConvert!.statusFunction,
      // It releases the bytes of the failed uploads whose bytes it deletes.
      pipeline.retention.function,
    ];
    expect(Object.keys(withUsage).sort()).toEqual(movers.map((fn) => logicalId(fn.function)).sort());
  });

  it('lets every function that removes published outputs queue their CDN invalidation, and no other', () => {
    const { pipeline, template } = synth();
    const requesters = template.findResources('AWS::Lambda::Function', {
      Properties: { Environment: { Variables: { INVALIDATION_QUEUE_URL: { Ref: logicalId(pipeline.invalidation.queue) } } } },
    });
    const { api, invalidation, processing, sweep } = pipeline;
    const removers = [
      api.functions.get('DeleteUpload')!,
      // A failure after the poster or the first segments went out withdraws them.
      processing.function,
      processing.deadLetterFunction,
      processing.mediaConvert!.statusFunction,
      // It fails stalled uploads and removes outputs left behind.
      sweep.function,
      // It deletes what a failed upload left, which may have been served.
      pipeline.retention.function,
      // It reads the queue; it sends nothing.
      invalidation.function,
    ];
    expect(Object.keys(requesters).sort()).toEqual(removers.map((fn) => logicalId(fn.function)).sort());
  });

  it.each([true, false])('with malwareScan %s, gives the download route the gate and, only when on, the verdict tag', (malwareScan) => {
    const { pipeline, template } = synth({ malwareScan });
    const download = pipeline.api.functions.get('DownloadUpload')!;
    const fn = template.toJSON().Resources[logicalId(download.function)];
    expect(fn.Properties.Environment.Variables.MALWARE_SCAN).toBe(malwareScan ? 'on' : 'off');
    const actions = Object.values(template.findResources('AWS::IAM::Policy'))
      .filter((policy) => policy.Properties.Roles.some((role: { Ref: string }) => role.Ref === logicalId(download.role)))
      .flatMap((policy) => policy.Properties.PolicyDocument.Statement.flatMap((statement: { Action: string | string[] }) => statement.Action));
    expect(actions.includes('s3:GetObjectTagging')).toBe(malwareScan);
  });

  it('throws at synth on a prop S3 cannot honour, naming the value', () => {
    expect(() => synth({ maxPartSize: Size.gibibytes(6) })).toThrow('maxPartSize must be at most S3\'s 5 GiB');
  });

  it('throws at synth on a CORS origin no browser sends and on throttle limits API Gateway refuses, naming the prop and value', () => {
    expect(() => synth({ corsOrigins: ['https://app.example.com/'] })).toThrow(
      "corsOrigins[0] must be '*' or an origin like https://app.example.com (scheme, lower-case host, port; no path or trailing slash), got 'https://app.example.com/'",
    );
    expect(() => synth({ corsOrigins: ['*', 'app.example.com'] })).toThrow("corsOrigins[1] must be '*' or an origin like");
    expect(() => synth({ corsOrigins: [] })).toThrow("corsOrigins needs at least one origin (['*'] allows every origin), got []");
    expect(() => synth({ throttle: { rateLimit: -1 } })).toThrow('throttle.rateLimit must be requests per second, 0 or more, got -1');
    expect(() => synth({ progress: { throttle: { burstLimit: 1.5 } } })).toThrow('progress.throttle.burstLimit must be a whole number of requests, 0 or more, got 1.5');
    expect(synth({ corsOrigins: ['https://app.example.com', 'http://localhost:5173'], throttle: { rateLimit: 0.5, burstLimit: 0 } }).pipeline).toBeDefined();
  });

  it('aborts abandoned multipart uploads one whole day after the upload expiry', () => {
    expect(abortDays(synth())).toBe(2);
    expect(abortDays(synth({ uploadExpiry: Duration.hours(50) }))).toBe(4);
    expect(abortDays(synth({ abortIncompleteMultipartUploadAfter: Duration.days(7) }))).toBe(7);
  });

  it('rejects an S3 abort that could come before the upload expires', () => {
    expect(() => synth({ abortIncompleteMultipartUploadAfter: Duration.days(1) })).toThrow(
      'abortIncompleteMultipartUploadAfter must be whole days after uploadExpiry (86400 seconds), got 1 day',
    );
  });

  it("creates a user pool by default and authorizes the API with its issuer and client id", () => {
    const { pipeline, template } = synth();
    template.resourceCountIs('AWS::Cognito::UserPool', 1);
    template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      JwtConfiguration: {
        Issuer: Match.objectLike({ 'Fn::Join': ['', Match.arrayWith([{ Ref: logicalId(pipeline.auth.userPool!) }])] }),
        Audience: [{ Ref: logicalId(pipeline.auth.userPoolClient!) }],
      },
    });
  });

  it('creates no user pool with an external issuer, and the API trusts that issuer', () => {
    const { template } = synth({ auth: { jwtIssuer: 'https://issuer.example.com', jwtAudience: ['media-app'] } });
    template.resourceCountIs('AWS::Cognito::UserPool', 0);
    template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      JwtConfiguration: { Issuer: 'https://issuer.example.com', Audience: ['media-app'] },
    });
  });

  it("pushes progress over a WebSocket API by default, whose authorizer trusts the created pool's issuer, client id and keys", () => {
    const { pipeline, template } = synth();
    const progress = pipeline.progress!;
    const environment = template.toJSON().Resources[logicalId(progress.authorizerFunction.function)].Properties.Environment.Variables;
    const [httpAuthorizer] = Object.values(template.findResources('AWS::ApiGatewayV2::Authorizer', { Properties: { AuthorizerType: 'JWT' } }));
    expect(environment[PROGRESS_ENV.jwtIssuer]).toEqual(httpAuthorizer!.Properties.JwtConfiguration.Issuer);
    expect(JSON.stringify(environment[PROGRESS_ENV.jwtIssuer])).toContain(logicalId(pipeline.auth.userPool!));
    expect(environment[PROGRESS_ENV.jwtAudience]).toEqual({ Ref: logicalId(pipeline.auth.userPoolClient!) });
    expect(JSON.stringify(environment[PROGRESS_ENV.jwksUrl])).toContain('/.well-known/jwks.json');
  });

  it('leaves the JWKS URL to discovery with an external issuer', () => {
    const { pipeline, template } = synth({ auth: { jwtIssuer: 'https://issuer.example.com', jwtAudience: ['web', 'ios'] } });
    const environment = template.toJSON().Resources[logicalId(pipeline.progress!.authorizerFunction.function)].Properties.Environment.Variables;
    expect(environment).toMatchObject({ [PROGRESS_ENV.jwtIssuer]: 'https://issuer.example.com', [PROGRESS_ENV.jwtAudience]: 'web,ios' });
    expect(environment[PROGRESS_ENV.jwksUrl]).toBeUndefined();
  });

  it("tells GET /config the WebSocket URL, and creates no WebSocket API when progress is off", () => {
    const on = synth();
    const getConfig = (s: ReturnType<typeof synth>) =>
      s.template.toJSON().Resources[logicalId(s.pipeline.api.functions.get('GetConfig')!.function)].Properties.Environment.Variables;
    expect(JSON.stringify(getConfig(on)[PROGRESS_ENV.webSocketUrl])).toContain(logicalId(on.pipeline.progress!.webSocketApi));
    expect(JSON.stringify(getConfig(on)[PROGRESS_ENV.webSocketUrl])).toContain('wss://');

    const off = synth({ progress: { enabled: false } });
    expect(off.pipeline.progress).toBeUndefined();
    expect(off.template.findResources('AWS::ApiGatewayV2::Api', { Properties: { ProtocolType: 'WEBSOCKET' } })).toEqual({});
    expect(getConfig(off)[PROGRESS_ENV.webSocketUrl]).toBeUndefined();
  });

  it('applies corsOrigins to both the API and the uploads bucket', () => {
    const { template } = synth({ corsOrigins: ['https://app.example.com'] });
    template.hasResourceProperties('AWS::ApiGatewayV2::Api', {
      CorsConfiguration: Match.objectLike({ AllowOrigins: ['https://app.example.com'] }),
    });
    template.hasResourceProperties('AWS::S3::Bucket', {
      CorsConfiguration: { CorsRules: [Match.objectLike({ AllowedOrigins: ['https://app.example.com'] })] },
    });
  });

  it('is tested with the feature flags it sets on itself: cdk.json names the same', () => {
    const cdkJson = JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')) as { context: Record<string, unknown> };
    expect(cdkJson.context).toEqual(PIPELINE_FEATURE_FLAGS);
  });

  it("makes the same template in a user's app that turns those flags off (but the stack-wide minimizePolicies)", () => {
    const flagsOff = Object.fromEntries(Object.keys(PIPELINE_FEATURE_FLAGS).map((flag) => [flag, false]));
    const stack = testStack({ context: { ...flagsOff, '@aws-cdk/aws-iam:minimizePolicies': true } });
    new MediaPipeline(stack, 'Pipeline');
    expect(Template.fromStack(stack).toJSON()).toEqual(synth().template.toJSON());
  });
});
