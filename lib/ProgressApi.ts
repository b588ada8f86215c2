import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import { LogGroupLogDestination, type ThrottleSettings, WebSocketApi, WebSocketStage } from 'aws-cdk-lib/aws-apigatewayv2';
import { WebSocketLambdaAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { WebSocketLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import type { ITable, Table } from 'aws-cdk-lib/aws-dynamodb';
import { StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { NagSuppressions } from 'cdk-nag';
import { Construct } from 'constructs';
import { MAX_CONNECTIONS_PER_OWNER } from '../client/protocol.js';
import { CONNECTIONS_TABLE_SCHEMA, SUBSCRIPTION_TTL_ATTRIBUTE } from './connectionsTableSchema.js';
import { PipelineFunction } from './PipelineFunction.js';
import { tableFromSchema } from './tableFromSchema.js';
import {
  PUBLISH_PROGRESS_FUNCTION,
  WEBSOCKET_AUTHORIZER_FUNCTION,
  WEBSOCKET_ROUTES,
  type WebSocketFunctionDefinition,
} from './webSocketRoutes.js';

/** The stage clients connect to: `wss://{api}.execute-api.{region}.amazonaws.com/live`. */
const STAGE_NAME = 'live';

/**
 * Every client, browser or command line, offers the `media-pipeline.v1` subprotocol, so this
 * header is on every handshake; the token itself comes either as a `bearer.<JWT>` subprotocol
 * (browsers, which cannot set headers) or as `?token=` (CLIs). API Gateway answers 401 without
 * calling the authorizer when an identity source is missing, so `?token=` cannot be one (a
 * browser never sends it) and neither can a header only CLIs could set: the subprotocol header
 * is the one both transports satisfy, and the authorizer looks for the token in both places.
 */
const AUTHORIZER_IDENTITY_SOURCE = 'route.request.header.Sec-WebSocket-Protocol';

/**
 * The publisher's stream reading. TRIM_HORIZON, not LATEST: the stream and the mapping are
 * created by the same deployment, so on the first deploy there is nothing old to read, while
 * LATEST would skip every write made between the stream's start and the mapping's first poll
 * (and, were the mapping ever replaced, everything in between), and delivery must be at least
 * once. A replayed write is harmless: clients drop any `seq` at or below the last one they saw.
 */
const PUBLISH_STREAM = {
  startingPosition: StartingPosition.TRIM_HORIZON,
  batchSize: 100,
  bisectBatchOnError: true,
  // A failing batch holds back every newer write of its shard: a few tries, then it goes to
  // the on-failure queue and the writes behind it flow again.
  retryAttempts: 3,
  // Past this a state is no longer live news, and a client that lost it gets the current state
  // from the snapshot every subscribe answers with.
  maxRecordAge: Duration.minutes(15),
  reportBatchItemFailures: true,
} as const;

export interface ProgressApiProps {
  /** The Uploads table; it must have a stream (NEW_IMAGE), which feeds the publisher. */
  readonly uploadsTable: ITable;
  /** The per-user usage counters, for the functions whose access names `usageTable`. */
  readonly usageTable: ITable;
  /** Issuer of the JWTs a connection must present: the HTTP API's. */
  readonly jwtIssuer: string;
  /** Accepted audiences (`aud`, or `client_id` of Cognito access tokens): the HTTP API's. */
  readonly jwtAudience: readonly string[];
  /**
   * Where the issuer's signing keys are. A created Cognito user pool's are at
   * `{issuer}/.well-known/jwks.json`; leave it unset for another issuer.
   * @default - the authorizer reads `jwks_uri` from `{issuer}/.well-known/openid-configuration`
   */
  readonly jwksUrl?: string;
  /**
   * Rate limits of the stage, for connects and messages of all clients together.
   * @default { rateLimit: 100, burstLimit: 200 }
   */
  readonly throttle?: ThrottleSettings;
  /**
   * Live connections one user may hold at once (their devices, tabs and CLIs together);
   * `$connect` answers 429 past it, since the stage's throttle and the account's connection rate
   * are shared by every user.
   * @default 20
   */
  readonly maxConnectionsPerUser?: number;
  /**
   * What happens to the function and access log groups when they leave the stack. The
   * Connections table is always deleted with the stack: it holds only live subscriptions.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * Live progress over a WebSocket API: clients connect with the HTTP API's JWT (a Lambda REQUEST
 * authorizer on `$connect`, the only route API Gateway authorizes), subscribe to an upload or to
 * all of theirs, and hear every write of those records. Routes and their functions come from
 * `WEBSOCKET_ROUTES` (the table local mode serves), each function granted only what its
 * `access` names. Every write of the Uploads table, by any function, reaches the publisher
 * through the table's stream; the publisher finds the subscribers in the Connections table and
 * posts to them through the management API of this stage only.
 */
export class ProgressApi extends Construct {
  readonly webSocketApi: WebSocketApi;
  readonly stage: WebSocketStage;
  readonly accessLogGroup: LogGroup;
  /** One item per subscription, by topic, with an index by connection and a TTL. */
  readonly connectionsTable: Table;
  /** The function behind each route, by route id. */
  readonly functions: ReadonlyMap<string, PipelineFunction>;
  /** Verifies the JWT of each new connection. */
  readonly authorizerFunction: PipelineFunction;
  /** Posts every write of an upload record to its subscribers, fed by the Uploads table's stream. */
  readonly publishFunction: PipelineFunction;
  /** Receives a record of each stream batch the publisher gave up on (shard and sequence numbers). */
  readonly publishFailureQueue: Queue;
  /** In alarm while a failed stream batch waits in `publishFailureQueue`; add actions (SNS, chat) to it. */
  readonly publishFailureAlarm: Alarm;

  constructor(scope: Construct, id: string, props: ProgressApiProps) {
    super(scope, id);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    if (props.jwtAudience.length === 0) throw new Error(`ProgressApi ${this.node.path}: jwtAudience needs at least one value`);

    this.connectionsTable = tableFromSchema(this, 'ConnectionsTable', CONNECTIONS_TABLE_SCHEMA, {
      removalPolicy: RemovalPolicy.DESTROY,
      pointInTimeRecovery: false,
      timeToLiveAttribute: SUBSCRIPTION_TTL_ATTRIBUTE,
    });
    NagSuppressions.addResourceSuppressions(this.connectionsTable, [
      {
        id: 'AwsSolutions-DDB3',
        reason:
          'Subscriptions of live connections only, each gone within the 2-hour connection limit: a restore would bring back connections that no longer exist, and a client that reconnects subscribes again.',
      },
    ]);

    this.webSocketApi = new WebSocketApi(this, 'WebSocketApi', {
      description: 'media-pipeline live progress',
      // Only $connect, $disconnect and $default have routes: ws-message reads `action` itself,
      // so a message naming no known action gets our INVALID_MESSAGE instead of API Gateway's answer.
      routeSelectionExpression: '$request.body.action',
    });

    this.accessLogGroup = new LogGroup(this, 'AccessLogs', { retention: RetentionDays.ONE_MONTH, removalPolicy });
    this.stage = new WebSocketStage(this, 'Stage', {
      webSocketApi: this.webSocketApi,
      stageName: STAGE_NAME,
      autoDeploy: true,
      throttle: props.throttle ?? { rateLimit: 100, burstLimit: 200 },
      accessLogSettings: {
        destination: new LogGroupLogDestination(this.accessLogGroup),
        // No query string and no headers: a CLI's ?token= and a browser's bearer subprotocol never reach the log.
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            connectionId: '$context.connectionId',
            eventType: '$context.eventType',
            routeKey: '$context.routeKey',
            ip: '$context.identity.sourceIp',
            requestTime: '$context.requestTime',
            status: '$context.status',
            sub: '$context.authorizer.principalId',
            authorizerError: '$context.authorizer.error',
            integrationError: '$context.integrationErrorMessage',
          }),
        ),
      },
    });

    this.authorizerFunction = this.progressFunction(WEBSOCKET_AUTHORIZER_FUNCTION, props, removalPolicy).bindJwtIssuer(
      props.jwtIssuer,
      props.jwtAudience,
      props.jwksUrl,
    );
    const authorizer = new WebSocketLambdaAuthorizer('Authorizer', this.authorizerFunction.function, {
      identitySource: [AUTHORIZER_IDENTITY_SOURCE],
    });

    const functions = new Map<string, PipelineFunction>();
    for (const route of WEBSOCKET_ROUTES) {
      const fn = this.progressFunction(route, props, removalPolicy);
      if (route.routeKey === '$connect') fn.bindMaxConnectionsPerUser(props.maxConnectionsPerUser ?? MAX_CONNECTIONS_PER_OWNER);
      const integration = new WebSocketLambdaIntegration(`${route.id}Integration`, fn.function);
      if (route.routeKey === '$connect') {
        this.webSocketApi.addRoute(route.routeKey, { integration, authorizer });
      } else {
        const unauthorized = this.webSocketApi.addRoute(route.routeKey, { integration });
        NagSuppressions.addResourceSuppressions(unauthorized, [
          {
            id: 'AwsSolutions-APIG4',
            reason: `API Gateway authorizes a WebSocket connection once, at $connect (the only route that takes an authorizer); ${route.routeKey} runs on a connection authorized there.`,
          },
        ]);
      }
      functions.set(route.id, fn);
    }
    this.functions = functions;

    this.publishFailureQueue = new Queue(this, 'PublishFailures', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    NagSuppressions.addResourceSuppressions(this.publishFailureQueue, [
      { id: 'AwsSolutions-SQS3', reason: "It is the publisher's on-failure destination itself, a dead-letter queue with nothing behind it." },
    ]);
    this.publishFunction = this.progressFunction(PUBLISH_PROGRESS_FUNCTION, props, removalPolicy, { timeout: Duration.seconds(30) });
    this.publishFunction.consumeTableStream('UploadWrites', props.uploadsTable, { ...PUBLISH_STREAM, onFailure: this.publishFailureQueue });

    // Nothing consumes the queue, so a message stays until someone looks: its depth is the signal.
    this.publishFailureAlarm = new Alarm(this, 'PublishFailureAlarm', {
      alarmDescription:
        'The progress publisher gave up on a batch of upload writes: subscribers missed those states (the queue message names the shard and sequence numbers)',
      metric: this.publishFailureQueue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1), statistic: 'Maximum' }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
  }

  /** The `wss://` URL clients connect to. */
  get url(): string {
    return this.stage.url;
  }

  /** A function of the table, granted exactly what its `access` names. */
  private progressFunction(
    definition: WebSocketFunctionDefinition,
    props: ProgressApiProps,
    removalPolicy: RemovalPolicy,
    options: { timeout?: Duration } = {},
  ): PipelineFunction {
    const fn = new PipelineFunction(this, definition.id, {
      handlerDir: definition.handler,
      description: definition.description,
      logRemovalPolicy: removalPolicy,
      ...options,
    });
    const { uploadsTable, usageTable, connectionsTable, manageConnections } = definition.access;
    if (uploadsTable) fn.bindUploadsTable(props.uploadsTable, uploadsTable);
    if (usageTable) fn.bindUsageTable(props.usageTable, usageTable);
    if (connectionsTable) fn.bindConnectionsTable(this.connectionsTable, connectionsTable);
    if (manageConnections === true) fn.bindManageConnections(this.stage);
    return fn;
  }
}
