import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import {
  AllowedMethods,
  CachePolicy,
  type Distribution,
  ResponseHeadersPolicy,
  ViewerProtocolPolicy,
} from 'aws-cdk-lib/aws-cloudfront';
import { S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import { BlockPublicAccess, Bucket, BucketEncryption } from 'aws-cdk-lib/aws-s3';
import { BucketDeployment, Source } from 'aws-cdk-lib/aws-s3-deployment';
import { NagSuppressions } from 'cdk-nag';
import { Construct } from 'constructs';
import { buildDemoPageSync, type DemoFile, readDemoPage } from '../web/buildDemoPage.js';
import { PROJECT_ROOT } from './PipelineFunction.js';

export interface DemoPageProps {
  /** The existing CloudFront distribution (lib/Cdn.ts): the page is served under its `/demo/` path. */
  readonly distribution: Distribution;
  /** The uploads API the page talks to, written into its `config.json`. */
  readonly apiUrl: string;
  /**
   * What happens to the page's bucket when it leaves the stack (its files are rebuilt by every deploy).
   * @default RemovalPolicy.DESTROY
   */
  readonly removalPolicy?: RemovalPolicy;
}

/** Where the page lives on the distribution, and in its bucket. */
export const DEMO_PAGE_PATH = '/demo/';

/** The page the construct package ships, built when it is packed (scripts/buildConstructPackage.ts); a clone has none and builds web/demo/. */
export const PREBUILT_DEMO_PAGE_DIR = join(PROJECT_ROOT, 'demo-page');

/**
 * The demo page (web/demo/, docs/uppy.md) on the stack's CloudFront distribution, at
 * `https://<cdn>/demo/index.html`: a private bucket of its own, read through Origin Access
 * Control under the `/demo/*` behavior, filled at deploy with the page bundled at synth and a
 * `config.json` naming the API. A deploy replaces the files and invalidates `/demo/*`.
 */
export class DemoPage extends Construct {
  readonly bucket: Bucket;
  readonly deployment: BucketDeployment;
  /** The page's address. */
  readonly url: string;

  constructor(scope: Construct, id: string, props: DemoPageProps) {
    super(scope, id);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.DESTROY;
    this.bucket = new Bucket(this, 'Bucket', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      encryption: BucketEncryption.S3_MANAGED,
      removalPolicy,
      autoDeleteObjects: removalPolicy === RemovalPolicy.DESTROY,
    });
    NagSuppressions.addResourceSuppressions(this.bucket, [
      {
        id: 'AwsSolutions-S1',
        reason: "The page's static files, rebuilt by every deploy and read only by CloudFront, whose access logs (lib/Cdn.ts) record every request for them.",
      },
    ]);

    props.distribution.addBehavior(`${DEMO_PAGE_PATH}*`, S3BucketOrigin.withOriginAccessControl(this.bucket), {
      viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
      allowedMethods: AllowedMethods.ALLOW_GET_HEAD,
      cachePolicy: CachePolicy.CACHING_OPTIMIZED,
      responseHeadersPolicy: ResponseHeadersPolicy.SECURITY_HEADERS,
      compress: true,
    });

    // Template assertions skip bundling (`aws:cdk:bundling-stacks`): the page is built only when the stack is bundled.
    const files = Stack.of(this).bundlingRequired ? demoPageFiles() : new Map<string, DemoFile>();
    this.deployment = new BucketDeployment(this, 'Files', {
      destinationBucket: this.bucket,
      destinationKeyPrefix: DEMO_PAGE_PATH.slice(1),
      sources: [
        ...[...files].filter(([path]) => path !== '/config.json').map(([path, file]) => Source.data(path === '/' ? 'index.html' : path.slice(1), file.body.toString('utf8'))),
        Source.jsonData('config.json', { apiUrl: props.apiUrl }),
      ],
      distribution: props.distribution,
      distributionPaths: [`${DEMO_PAGE_PATH}*`],
      prune: true,
      memoryLimit: 256,
    });
    this.url = `https://${props.distribution.distributionDomainName}${DEMO_PAGE_PATH}index.html`;

    // The deployment's function is CDK's own singleton (aws-s3-deployment), not a PipelineFunction.
    const reason = (what: string) => `CDK's BucketDeployment custom resource (aws-s3-deployment), run only at deploy: ${what}`;
    NagSuppressions.addResourceSuppressions(
      this.deployment.handlerRole,
      [
        { id: 'AwsSolutions-IAM4', reason: reason('its role uses AWSLambdaBasicExecutionRole to write its own logs.'), appliesTo: ['Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole'] },
        { id: 'AwsSolutions-IAM5', reason: reason("it copies the page's files from the CDK asset bucket to this bucket (object wildcards of those two buckets) and invalidates /demo/* (CloudFront has no narrower resource).") },
      ],
      true,
    );
    for (const child of Stack.of(this).node.children) {
      if (child.node.id.startsWith('Custom::CDKBucketDeployment')) {
        NagSuppressions.addResourceSuppressions(child, [{ id: 'AwsSolutions-L1', reason: reason('the runtime is the one aws-cdk-lib pins for it.') }], true);
      }
    }
  }
}

function demoPageFiles(): ReadonlyMap<string, DemoFile> {
  return existsSync(PREBUILT_DEMO_PAGE_DIR) ? readDemoPage(PREBUILT_DEMO_PAGE_DIR) : buildDemoPageSync();
}
