import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import type { ICertificate } from 'aws-cdk-lib/aws-certificatemanager';
import {
  AllowedMethods,
  CachedMethods,
  CachePolicy,
  Distribution,
  HttpVersion,
  PriceClass,
  ResponseHeadersPolicy,
  SecurityPolicyProtocol,
  ViewerProtocolPolicy,
} from 'aws-cdk-lib/aws-cloudfront';
import { S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import { BlockPublicAccess, Bucket, BucketEncryption, type IBucket, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { NagSuppressions } from 'cdk-nag';
import { Construct } from 'constructs';

export interface CdnProps {
  /** The bucket of outputs; CloudFront reads it through Origin Access Control, nothing else does. */
  readonly mediaBucket: IBucket;
  /**
   * Origins whose web players may fetch playlists, segments and images.
   * @default ['*'] - any page; outputs are public by URL (an upload id is unguessable)
   */
  readonly corsOrigins?: readonly string[];
  /**
   * Custom domain names; the first is the base of output URLs. Needs `certificate`.
   * @default - the distribution's `*.cloudfront.net` domain
   */
  readonly domainNames?: readonly string[];
  /**
   * Certificate (in us-east-1) for `domainNames`; with it viewers need TLS 1.2 or newer.
   * @default - CloudFront's default certificate
   */
  readonly certificate?: ICertificate;
  /**
   * Web ACL (WAFv2, us-east-1) to attach.
   * @default - none
   */
  readonly webAclId?: string;
  /**
   * Edge locations served from.
   * @default PriceClass.PRICE_CLASS_100 - North America and Europe
   */
  readonly priceClass?: PriceClass;
  /**
   * How long CloudFront access logs are kept.
   * @default Duration.days(90)
   */
  readonly logRetention?: Duration;
  /**
   * What happens to the access log bucket when it leaves the stack. `RemovalPolicy.DESTROY`
   * also empties it on delete.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/** Header names an HLS or image player may send cross-origin (Range for byte-range requests). */
const ALLOWED_HEADERS = ['Range', 'Origin', 'Accept', 'Accept-Encoding'];
/** Response headers a player's script may read. */
const EXPOSED_HEADERS = ['Content-Length', 'Content-Range', 'Content-Type', 'ETag'];

/**
 * Playback: a CloudFront distribution in front of the media bucket. The bucket stays private
 * (Origin Access Control signs CloudFront's reads and the bucket policy admits only this
 * distribution); viewers must use HTTPS; responses carry CORS headers for web players (set at
 * the edge, so cached objects serve every allowed origin); caching follows each object's
 * Cache-Control (immutable segments and images for a year, playlists for minutes); text
 * outputs (playlists, WebVTT, JSON) are compressed. Access logs go to a bucket of their own.
 */
export class Cdn extends Construct {
  readonly distribution: Distribution;
  readonly logBucket: Bucket;
  /** `https://<domain>`: what output URLs start with (the process function's `MEDIA_BASE_URL`). */
  readonly mediaBaseUrl: string;

  constructor(scope: Construct, id: string, props: CdnProps) {
    super(scope, id);
    if (props.domainNames?.length && !props.certificate) {
      throw new Error(`domainNames (${props.domainNames.join(', ')}) need a certificate`);
    }
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;

    // CloudFront's standard logs are written with object ACLs, so this bucket (unlike the
    // other log bucket, which enforces bucket-owner ownership) must accept them.
    this.logBucket = new Bucket(this, 'AccessLogsBucket', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      encryption: BucketEncryption.S3_MANAGED,
      objectOwnership: ObjectOwnership.OBJECT_WRITER,
      lifecycleRules: [{ expiration: props.logRetention ?? Duration.days(90) }],
      removalPolicy,
      autoDeleteObjects: removalPolicy === RemovalPolicy.DESTROY,
    });
    NagSuppressions.addResourceSuppressions(this.logBucket, [
      { id: 'AwsSolutions-S1', reason: 'This bucket is the destination of CloudFront access logs; logging its own access would log the logs.' },
    ]);

    const responseHeadersPolicy = new ResponseHeadersPolicy(this, 'PlayerHeaders', {
      comment: 'CORS for HLS and image players, and basic security headers',
      corsBehavior: {
        accessControlAllowOrigins: [...(props.corsOrigins ?? ['*'])],
        accessControlAllowMethods: ['GET', 'HEAD', 'OPTIONS'],
        accessControlAllowHeaders: ALLOWED_HEADERS,
        accessControlExposeHeaders: EXPOSED_HEADERS,
        accessControlAllowCredentials: false,
        accessControlMaxAge: Duration.days(1),
        originOverride: true,
      },
      securityHeadersBehavior: {
        contentTypeOptions: { override: true },
        strictTransportSecurity: { accessControlMaxAge: Duration.days(365), includeSubdomains: true, override: true },
      },
    });

    this.distribution = new Distribution(this, 'Distribution', {
      comment: 'media-pipeline outputs',
      defaultBehavior: {
        origin: S3BucketOrigin.withOriginAccessControl(props.mediaBucket),
        viewerProtocolPolicy: ViewerProtocolPolicy.HTTPS_ONLY,
        allowedMethods: AllowedMethods.ALLOW_GET_HEAD_OPTIONS,
        cachedMethods: CachedMethods.CACHE_GET_HEAD_OPTIONS,
        // Managed CachingOptimized: TTLs from the origin's Cache-Control (1 s to 1 year), no
        // cookies or query strings in the key, gzip and brotli variants cached.
        cachePolicy: CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy,
        compress: true,
      },
      httpVersion: HttpVersion.HTTP2_AND_3,
      priceClass: props.priceClass ?? PriceClass.PRICE_CLASS_100,
      domainNames: props.domainNames ? [...props.domainNames] : undefined,
      certificate: props.certificate,
      // Only a custom certificate lets CloudFront enforce a minimum TLS version.
      minimumProtocolVersion: props.certificate ? SecurityPolicyProtocol.TLS_V1_2_2021 : undefined,
      webAclId: props.webAclId,
      enableLogging: true,
      logBucket: this.logBucket,
      logFilePrefix: 'cloudfront/',
    });

    const domain = props.domainNames?.[0] ?? this.distribution.distributionDomainName;
    this.mediaBaseUrl = `https://${domain}`;

    NagSuppressions.addResourceSuppressions(this.distribution, [
      {
        id: 'AwsSolutions-CFR1',
        reason: 'Media is served wherever its viewers are; a geo restriction belongs to a deployment with such a rule, not the default.',
      },
      ...(props.webAclId
        ? []
        : [
            {
              id: 'AwsSolutions-CFR2',
              reason:
                'Static, immutable outputs under unguessable upload ids, read-only (GET/HEAD/OPTIONS); attach a WAF web ACL with the webAclId prop where rate rules are wanted.',
            },
          ]),
      ...(props.certificate
        ? []
        : [
            {
              id: 'AwsSolutions-CFR4',
              reason:
                'With the default *.cloudfront.net certificate CloudFront cannot enforce a minimum TLS version; pass domainNames and a certificate to require TLS 1.2 (TLSv1.2_2021).',
            },
          ]),
    ]);
  }
}
