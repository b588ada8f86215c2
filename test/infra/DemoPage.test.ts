import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { buildPipelineApp } from '../../lib/buildPipelineApp.js';
import type { MediaPipelineStack } from '../../lib/MediaPipelineStack.js';
import { logicalId, testApp } from './testApp.js';

function synth(context: Record<string, unknown>, bundle = false) {
  const stack = buildPipelineApp(testApp({ context, bundle })) as MediaPipelineStack;
  return { stack, template: Template.fromStack(stack) };
}

describe('DemoPage (context demoPage=true)', () => {
  const { stack, template } = synth({ demoPage: 'true' });
  const page = stack.pipeline.demoPage!;

  it('keeps the page in a private, encrypted bucket of its own that only TLS reaches', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
    });
    const policy = Object.values(template.findResources('AWS::S3::BucketPolicy')).find(
      (resource) => (resource.Properties as { Bucket: { Ref: string } }).Bucket.Ref === logicalId(page.bucket),
    );
    expect(JSON.stringify(policy)).toContain('aws:SecureTransport');
  });

  it('serves it on the existing distribution under /demo/*, read through Origin Access Control, over HTTPS', () => {
    const [distribution] = Object.values(template.findResources('AWS::CloudFront::Distribution'));
    const config = (distribution!.Properties as { DistributionConfig: Record<string, any> }).DistributionConfig;
    const behavior = config.CacheBehaviors.find((candidate: { PathPattern: string }) => candidate.PathPattern === '/demo/*');
    expect(behavior).toMatchObject({ ViewerProtocolPolicy: 'redirect-to-https', AllowedMethods: ['GET', 'HEAD'], Compress: true });
    const origin = config.Origins.find((candidate: { Id: string }) => candidate.Id === behavior.TargetOriginId);
    expect(JSON.stringify(origin.DomainName)).toContain(logicalId(page.bucket));
    expect(origin.OriginAccessControlId).toBeDefined();
  });

  it('deploys the files under demo/ with a config.json naming the API, and invalidates /demo/* on each deploy', () => {
    template.hasResourceProperties('Custom::CDKBucketDeployment', {
      DestinationBucketKeyPrefix: 'demo/',
      DistributionPaths: ['/demo/*'],
      Prune: true,
    });
    // config.json is written at deploy from the API's URL (the deployment's markers stand for its tokens).
    const [deployment] = Object.values(template.findResources('Custom::CDKBucketDeployment'));
    expect(JSON.stringify((deployment!.Properties as { SourceMarkers: unknown }).SourceMarkers)).toContain(`{"Ref":"${logicalId(stack.pipeline.api.httpApi)}"}`);
    template.hasOutput('DemoPageUrl', { Value: { 'Fn::Join': ['', ['https://', Match.anyValue(), '/demo/index.html']] } });
  });

  it('is not deployed unless asked for', () => {
    const plain = synth({});
    expect(plain.stack.pipeline.demoPage).toBeUndefined();
    plain.template.resourceCountIs('Custom::CDKBucketDeployment', 0);
  });

  it('bundles the page at synth when the stack is bundled, and cdk-nag finds nothing unacknowledged', () => {
    const bundled = synth({ demoPage: 'true' }, true);
    const nag = Match.stringLikeRegexp('AwsSolutions-.*');
    const annotations = Annotations.fromStack(bundled.stack);
    const findings = [...annotations.findError('*', nag), ...annotations.findWarning('*', nag)].map(
      (finding) => `${finding.id}: ${String(finding.entry.data).split('\n')[0]}`,
    );
    expect(findings).toEqual([]);
    // index.html, app.js and app.css as asset sources, config.json as data with the API's URL.
    const [deployment] = Object.values(bundled.template.findResources('Custom::CDKBucketDeployment'));
    expect((deployment!.Properties as { SourceObjectKeys: unknown[] }).SourceObjectKeys).toHaveLength(4);
  });
});
