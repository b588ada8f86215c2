import { Aspects, type Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { Certificate } from 'aws-cdk-lib/aws-certificatemanager';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { Cdn, type CdnProps } from '../../lib/Cdn.js';
import { Storage } from '../../lib/Storage.js';
import { logicalId, testStack } from './testApp.js';

function synth(props: Partial<CdnProps> = {}, stack: Stack = testStack()) {
  const storage = new Storage(stack, 'Storage');
  const cdn = new Cdn(stack, 'Cdn', { mediaBucket: storage.mediaBucket, ...props });
  return { stack, storage, cdn, template: Template.fromStack(stack) };
}

const CACHING_OPTIMIZED = '658327ea-f89d-4fab-a63d-7e88639e58f6';

describe('Cdn', () => {
  let s: ReturnType<typeof synth>;
  beforeAll(() => {
    s = synth();
  });

  it('serves the media bucket over HTTPS only, through Origin Access Control, caching by the objects’ Cache-Control', () => {
    s.template.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        DefaultCacheBehavior: Match.objectLike({
          ViewerProtocolPolicy: 'https-only',
          AllowedMethods: ['GET', 'HEAD', 'OPTIONS'],
          CachePolicyId: CACHING_OPTIMIZED,
          Compress: true,
          ResponseHeadersPolicyId: { Ref: Match.stringLikeRegexp('^CdnPlayerHeaders') },
        }),
        Origins: [
          Match.objectLike({
            DomainName: { 'Fn::GetAtt': [logicalId(s.storage.mediaBucket), 'RegionalDomainName'] },
            OriginAccessControlId: { 'Fn::GetAtt': [Match.stringLikeRegexp('OriginAccessControl'), 'Id'] },
            S3OriginConfig: { OriginAccessIdentity: '' },
          }),
        ],
      }),
    });
    s.template.hasResourceProperties('AWS::CloudFront::OriginAccessControl', {
      OriginAccessControlConfig: Match.objectLike({ OriginAccessControlOriginType: 's3', SigningBehavior: 'always', SigningProtocol: 'sigv4' }),
    });
  });

  it('admits only this distribution to read the media bucket', () => {
    s.template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: logicalId(s.storage.mediaBucket) },
      PolicyDocument: {
        Statement: Match.arrayWith([
          {
            Action: 's3:GetObject',
            Effect: 'Allow',
            Principal: { Service: 'cloudfront.amazonaws.com' },
            Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [logicalId(s.storage.mediaBucket), 'Arn'] }, '/*']] },
            Condition: {
              StringEquals: {
                'AWS:SourceArn': {
                  'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':cloudfront::', { Ref: 'AWS::AccountId' }, ':distribution/', { Ref: logicalId(s.cdn.distribution) }]],
                },
              },
            },
          },
        ]),
      },
    });
  });

  it('answers web players with CORS headers for GET, HEAD and Range requests from any origin by default', () => {
    s.template.hasResourceProperties('AWS::CloudFront::ResponseHeadersPolicy', {
      ResponseHeadersPolicyConfig: Match.objectLike({
        CorsConfig: {
          AccessControlAllowCredentials: false,
          AccessControlAllowHeaders: { Items: ['Range', 'Origin', 'Accept', 'Accept-Encoding'] },
          AccessControlAllowMethods: { Items: ['GET', 'HEAD', 'OPTIONS'] },
          AccessControlAllowOrigins: { Items: ['*'] },
          AccessControlExposeHeaders: { Items: ['Content-Length', 'Content-Range', 'Content-Type', 'ETag'] },
          AccessControlMaxAgeSec: 86400,
          OriginOverride: true,
        },
      }),
    });
    const { template } = synth({ corsOrigins: ['https://app.example.com'] });
    template.hasResourceProperties('AWS::CloudFront::ResponseHeadersPolicy', {
      ResponseHeadersPolicyConfig: Match.objectLike({ CorsConfig: Match.objectLike({ AccessControlAllowOrigins: { Items: ['https://app.example.com'] } }) }),
    });
  });

  it('logs every request to its own private, TLS-only, expiring bucket that accepts CloudFront’s log ACLs', () => {
    s.template.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        Logging: { Bucket: { 'Fn::GetAtt': [logicalId(s.cdn.logBucket), 'RegionalDomainName'] }, Prefix: 'cloudfront/' },
      }),
    });
    const bucket = s.template.toJSON().Resources[logicalId(s.cdn.logBucket)].Properties;
    expect(bucket).toMatchObject({
      OwnershipControls: { Rules: [{ ObjectOwnership: 'ObjectWriter' }] },
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      LifecycleConfiguration: { Rules: [{ ExpirationInDays: 90, Status: 'Enabled' }] },
    });
  });

  it('gives https://<distribution domain> as the base of output URLs, or the custom domain with its certificate', () => {
    expect(s.stack.resolve(s.cdn.mediaBaseUrl)).toEqual({ 'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [logicalId(s.cdn.distribution), 'DomainName'] }]] });
    // The default certificate's TLS policy is fixed: a minimum set anyway is ignored, with a warning.
    Annotations.fromStack(s.stack).hasNoWarning('*', Match.stringLikeRegexp('minimumProtocolVersion'));

    const stack = testStack();
    const certificate = Certificate.fromCertificateArn(stack, 'Cert', 'arn:aws:acm:us-east-1:123456789012:certificate/abc');
    const custom = synth({ domainNames: ['media.example.com'], certificate }, stack);
    expect(custom.cdn.mediaBaseUrl).toBe('https://media.example.com');
    custom.template.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        Aliases: ['media.example.com'],
        ViewerCertificate: Match.objectLike({ MinimumProtocolVersion: 'TLSv1.2_2021', SslSupportMethod: 'sni-only' }),
      }),
    });
  });

  it('refuses custom domain names without a certificate', () => {
    expect(() => synth({ domainNames: ['media.example.com'] })).toThrow('domainNames (media.example.com) need a certificate');
  });

  it('leaves cdk-nag nothing to report, with or without a custom domain and web ACL', () => {
    const findings = (props: (stack: Stack) => Partial<CdnProps>) => {
      const stack = testStack();
      synth(props(stack), stack);
      Aspects.of(stack).add(new AwsSolutionsChecks());
      const nag = Match.stringLikeRegexp('AwsSolutions-.*');
      const annotations = Annotations.fromStack(stack);
      return [...annotations.findError('*', nag), ...annotations.findWarning('*', nag)].map((f) => f.entry.data);
    };
    expect(findings(() => ({}))).toEqual([]);
    expect(
      findings((stack) => ({
        domainNames: ['media.example.com'],
        certificate: Certificate.fromCertificateArn(stack, 'Cert', 'arn:aws:acm:us-east-1:123456789012:certificate/abc'),
        webAclId: 'arn:aws:wafv2:us-east-1:123456789012:global/webacl/media/abc',
      })),
    ).toEqual([]);
  });
});
