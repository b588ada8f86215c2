import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import type { ICertificate } from 'aws-cdk-lib/aws-certificatemanager';
import {
  AllowedMethods,
  CachedMethods,
  CachePolicy,
  CacheQueryStringBehavior,
  Distribution,
  HttpVersion,
  PriceClass,
  ResponseHeadersPolicy,
  SecurityPolicyProtocol,
  ViewerProtocolPolicy,
} from 'aws-cdk-lib/aws-cloudfront';
import { FunctionUrlOrigin, S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import { FunctionUrlAuthType } from 'aws-cdk-lib/aws-lambda';
import { BlockPublicAccess, Bucket, BucketEncryption, type IBucket, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { NagSuppressions } from 'cdk-nag';
import { Construct } from 'constructs';
import { MEDIA_ACCESS_MODES, type MediaAccess } from '../lambdas/shared/config.js';
import { MEDIA_ROOT } from '../lambdas/shared/keys.js';
import { ORIGIN_COPY } from '../lambdas/shared/mediaAccess/signedQuery.js';
import { MediaSigningKeys } from './MediaSigningKeys.js';
import { PipelineFunction } from './PipelineFunction.js';

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
  /**
   * Who may fetch media. `public`: anyone holding a URL (upload ids are unguessable, but a URL
   * once shared works for ever). `signed`: only requests signed with a key of this distribution's
   * key group (CloudFront trusted key groups on every behaviour that serves media); playlists come
   * from a function that puts the viewer's signature on every URI inside them, so native players
   * work (docs/security.md).
   * @default 'public'
   */
  readonly access?: MediaAccess;
  /**
   * With `signed` access: names of the signing keys, each a key pair made at deploy whose private
   * key stays in a Secrets Manager secret. URLs are signed with the first; all are trusted.
   * Rotation: add a name at the end, deploy; move it first, deploy; once the URL lifetime has
   * passed, remove the old name, deploy.
   * @default ['1']
   */
  readonly signingKeys?: readonly string[];
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
  readonly access: MediaAccess;
  /** With `signed` access: the key group and the keys behind it; undefined with `public`. */
  readonly signingKeys: MediaSigningKeys | undefined;
  /** With `signed` access: the origin of playlists, which signs the URIs inside them; undefined with `public`. */
  readonly playlistFunction: PipelineFunction | undefined;

  constructor(scope: Construct, id: string, props: CdnProps) {
    super(scope, id);
    if (props.domainNames?.length && !props.certificate) {
      throw new Error(`domainNames (${props.domainNames.join(', ')}) need a certificate`);
    }
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    this.access = props.access ?? 'public';
    if (!(MEDIA_ACCESS_MODES as readonly string[]).includes(this.access)) {
      throw new Error(`access must be one of ${MEDIA_ACCESS_MODES.map((mode) => `'${mode}'`).join(', ')}, got ${JSON.stringify(props.access)}`);
    }
    if (props.signingKeys !== undefined && this.access !== 'signed') {
      throw new Error(`signingKeys (${props.signingKeys.join(', ')}) need access: 'signed', got access: '${this.access}'`);
    }
    this.signingKeys =
      this.access === 'signed' ? new MediaSigningKeys(this, 'SigningKeys', { keyNames: props.signingKeys ?? ['1'], removalPolicy }) : undefined;
    const trustedKeyGroups = this.signingKeys ? [this.signingKeys.keyGroup] : undefined;

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
        trustedKeyGroups,
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

    this.playlistFunction = this.signingKeys ? this.addSignedPlaylists(props.mediaBucket, this.signingKeys, responseHeadersPolicy, removalPolicy) : undefined;

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

  /**
   * Playlists and thumbnail tracks under signed access: `media/*.m3u8` and `media/*.vtt` go to a
   * function (its URL reachable only through this distribution, by Origin Access Control) that
   * checks the signature again and signs every URI inside, behind the same key group. The
   * `grant-*` copies of the signature are the cache key, so one viewer's grant is never served
   * in another's playlist; they are also all CloudFront forwards to the origin (it removes
   * Policy, Signature and Key-Pair-Id itself). No other query string is in the key: a viewer
   * holding a grant cannot turn junk parameters into cache misses that each run the function.
   */
  private addSignedPlaylists(mediaBucket: IBucket, keys: MediaSigningKeys, responseHeadersPolicy: ResponseHeadersPolicy, removalPolicy: RemovalPolicy): PipelineFunction {
    const fn = new PipelineFunction(this, 'PlaylistFunction', {
      handlerDir: 'serve-playlist',
      description: 'Origin of signed playlists: signs every URI inside with the viewer\'s grant',
      memorySize: 256,
      timeout: Duration.seconds(10),
      logRemovalPolicy: removalPolicy,
    })
      .bindMediaBucket(mediaBucket, ['read'])
      .bindMediaVerifier(keys);
    const url = fn.function.addFunctionUrl({ authType: FunctionUrlAuthType.AWS_IAM });
    const cachePolicy = new CachePolicy(this, 'SignedPlaylistCache', {
      comment: 'Signed playlists and thumbnail tracks: the grant copies are the key (each grant gets its own copy); TTL from the origin',
      queryStringBehavior: CacheQueryStringBehavior.allowList(...Object.values(ORIGIN_COPY)),
      minTtl: Duration.seconds(0),
      defaultTtl: Duration.seconds(0),
      maxTtl: Duration.days(1),
      enableAcceptEncodingGzip: true,
      enableAcceptEncodingBrotli: true,
    });
    const origin = FunctionUrlOrigin.withOriginAccessControl(url);
    for (const extension of ['m3u8', 'vtt']) {
      this.distribution.addBehavior(`${MEDIA_ROOT}*.${extension}`, origin, {
        viewerProtocolPolicy: ViewerProtocolPolicy.HTTPS_ONLY,
        allowedMethods: AllowedMethods.ALLOW_GET_HEAD_OPTIONS,
        cachedMethods: CachedMethods.CACHE_GET_HEAD_OPTIONS,
        cachePolicy,
        responseHeadersPolicy,
        compress: true,
        trustedKeyGroups: [keys.keyGroup],
      });
    }
    return fn;
  }
}
