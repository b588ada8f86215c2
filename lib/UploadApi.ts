import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import {
  CorsHttpMethod,
  HttpApi,
  HttpMethod,
  HttpNoneAuthorizer,
  HttpStage,
  LogGroupLogDestination,
  type ThrottleSettings,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import { NagSuppressions } from 'cdk-nag';
import { Construct } from 'constructs';
import type { UploadPolicy } from '../lambdas/shared/mediaPolicy.js';
import { PipelineFunction } from './PipelineFunction.js';
import { authOf, ROUTES, type RouteDefinition } from './routes.js';

export interface UploadApiProps {
  readonly uploadsBucket: IBucket;
  readonly mediaBucket: IBucket;
  readonly table: ITable;
  /** The per-user usage counters, for the routes whose access names `usageTable`. */
  readonly usageTable: ITable;
  /** Issuer of the JWTs every route requires. */
  readonly jwtIssuer: string;
  /** Accepted audiences (`aud`, or `client_id` of Cognito access tokens). */
  readonly jwtAudience: readonly string[];
  /** The limits the functions enforce (`UPLOAD_POLICY`). */
  readonly uploadPolicy: UploadPolicy;
  /**
   * Whether originals pass GuardDuty's malware scan: routes that hand out originals then read
   * the verdict and give out only clean ones.
   * @default false
   */
  readonly malwareScan?: boolean;
  /**
   * Origins whose browsers may call the API.
   * @default ['*']
   */
  readonly corsOrigins?: readonly string[];
  /**
   * Request rate limits of the default stage, for the whole API.
   * @default { rateLimit: 100, burstLimit: 200 }
   */
  readonly throttle?: ThrottleSettings;
  /**
   * What happens to the function and access log groups when they leave the stack.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * The HTTP API clients upload through: one function per entry of the route table (the same
 * table local mode serves), each granted only the operations its route's `access` names, a JWT
 * authorizer on every route but those whose `auth` is `none` (the API's own description), CORS
 * preflight for browsers, and a throttled, access-logged default stage.
 */
export class UploadApi extends Construct {
  readonly httpApi: HttpApi;
  readonly stage: HttpStage;
  readonly accessLogGroup: LogGroup;
  /** The function behind each route, by route id. */
  readonly functions: ReadonlyMap<string, PipelineFunction>;

  constructor(scope: Construct, id: string, props: UploadApiProps) {
    super(scope, id);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;

    this.httpApi = new HttpApi(this, 'HttpApi', {
      description: 'media-pipeline uploads API',
      defaultAuthorizer: new HttpJwtAuthorizer('JwtAuthorizer', props.jwtIssuer, { jwtAudience: [...props.jwtAudience] }),
      // API Gateway answers preflight itself, before the authorizer, so OPTIONS needs no route.
      corsPreflight: {
        allowOrigins: [...(props.corsOrigins ?? ['*'])],
        allowMethods: [CorsHttpMethod.GET, CorsHttpMethod.POST, CorsHttpMethod.DELETE, CorsHttpMethod.OPTIONS],
        allowHeaders: ['authorization', 'content-type'],
        maxAge: Duration.days(1),
      },
      // The default stage is created below, with throttling and access logs.
      createDefaultStage: false,
    });

    this.accessLogGroup = new LogGroup(this, 'AccessLogs', { retention: RetentionDays.ONE_MONTH, removalPolicy });
    this.stage = new HttpStage(this, 'DefaultStage', {
      httpApi: this.httpApi,
      stageName: '$default',
      autoDeploy: true,
      throttle: props.throttle ?? { rateLimit: 100, burstLimit: 200 },
      accessLogSettings: {
        destination: new LogGroupLogDestination(this.accessLogGroup),
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            ip: '$context.identity.sourceIp',
            requestTime: '$context.requestTime',
            routeKey: '$context.routeKey',
            status: '$context.status',
            responseLength: '$context.responseLength',
            latencyMs: '$context.responseLatency',
            sub: '$context.authorizer.claims.sub',
            authorizerError: '$context.authorizer.error',
            integrationError: '$context.integrationErrorMessage',
          }),
        ),
      },
    });

    const functions = new Map<string, PipelineFunction>();
    for (const route of ROUTES) {
      const fn = this.routeFunction(route, props, removalPolicy);
      const routes = this.httpApi.addRoutes({
        path: route.path,
        methods: [HttpMethod[route.method]],
        integration: new HttpLambdaIntegration(`${route.id}Integration`, fn.function),
        ...(authOf(route) === 'none' ? { authorizer: new HttpNoneAuthorizer() } : {}),
      });
      if (authOf(route) === 'none') {
        const reason = `${route.method} ${route.path} is public on purpose: it answers a fixed document that names no user or resource, and the stage's throttle bounds it like every route.`;
        // AwsSolutions-COG4 (Cognito authorizer) checks REST API methods only: it never sees an HTTP API route.
        NagSuppressions.addResourceSuppressions(routes, [{ id: 'AwsSolutions-APIG4', reason }]);
      }
      functions.set(route.id, fn);
    }
    this.functions = functions;
  }

  /** The API's base URL (the default stage). */
  get url(): string {
    return this.stage.url;
  }

  private routeFunction(route: RouteDefinition, props: UploadApiProps, removalPolicy: RemovalPolicy): PipelineFunction {
    const fn = new PipelineFunction(this, route.id, {
      handlerDir: route.handler,
      description: route.description,
      logRemovalPolicy: removalPolicy,
    }).bindUploadPolicy(props.uploadPolicy);
    const { table, usageTable, uploadsBucket, mediaBucket, scanVerdict } = route.access;
    if (table) fn.bindUploadsTable(props.table, table);
    if (usageTable) fn.bindUsageTable(props.usageTable, usageTable);
    if (uploadsBucket) fn.bindUploadsBucket(props.uploadsBucket, uploadsBucket);
    if (mediaBucket) fn.bindMediaBucket(props.mediaBucket, mediaBucket);
    if (scanVerdict) fn.bindMalwareScan(props.uploadsBucket, props.malwareScan ?? false);
    return fn;
  }
}
