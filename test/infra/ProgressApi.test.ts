import { RemovalPolicy } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { PROGRESS_ENV } from '../../lambdas/shared/config.js';
import { buildPipelineApp } from '../../lib/buildPipelineApp.js';
import { CONNECTIONS_TABLE_SCHEMA, SUBSCRIPTION_TTL_ATTRIBUTE } from '../../lib/connectionsTableSchema.js';
import type { MediaPipelineStack } from '../../lib/MediaPipelineStack.js';
import { PipelineFunction } from '../../lib/PipelineFunction.js';
import { ProgressApi, type ProgressApiProps } from '../../lib/ProgressApi.js';
import { Storage } from '../../lib/Storage.js';
import { tableFromSchema } from '../../lib/tableFromSchema.js';
import { UPLOADS_TABLE_SCHEMA } from '../../lib/uploadsTableSchema.js';
import {
  PUBLISH_PROGRESS_FUNCTION,
  WEBSOCKET_AUTHORIZER_FUNCTION,
  WEBSOCKET_ROUTES,
  type WebSocketFunctionDefinition,
} from '../../lib/webSocketRoutes.js';
import { actionsOf, type TemplateResources, type TemplateStatement } from './support/roleGrants.js';
import { logicalId, testApp, testStack } from './testApp.js';

function synth(props: Partial<ProgressApiProps> = {}) {
  const stack = testStack();
  const storage = new Storage(stack, 'Storage');
  const progress = new ProgressApi(stack, 'Progress', {
    uploadsTable: storage.table,
    usageTable: storage.usageTable,
    jwtIssuer: 'https://issuer.example.com',
    jwtAudience: ['web', 'ios'],
    ...props,
  });
  return { stack, storage, progress, template: Template.fromStack(stack) };
}

type Synth = ReturnType<typeof synth>;

/** Every function of the WebSocket function table, with the construct the stack made for it. */
function definitions({ progress }: Synth): Array<[WebSocketFunctionDefinition, PipelineFunction]> {
  return [
    ...WEBSOCKET_ROUTES.map((route) => [route, progress.functions.get(route.id)!] as [WebSocketFunctionDefinition, PipelineFunction]),
    [WEBSOCKET_AUTHORIZER_FUNCTION, progress.authorizerFunction],
    [PUBLISH_PROGRESS_FUNCTION, progress.publishFunction],
  ];
}

/** The statements of a role's default policy. */
function statementsOf(template: Template, fn: PipelineFunction): TemplateStatement[] {
  return template.toJSON().Resources[logicalId(fn.role.node.findChild('DefaultPolicy'))].Properties.PolicyDocument.Statement;
}

function environmentOf(template: Template, fn: PipelineFunction): Record<string, unknown> {
  return template.toJSON().Resources[logicalId(fn.function)].Properties.Environment.Variables;
}

/** This API's stage connections, as `grantManagementApiAccess` names them. */
function stageConnectionsArn(s: Synth): unknown {
  return {
    'Fn::Join': [
      '',
      [
        'arn:',
        { Ref: 'AWS::Partition' },
        ':execute-api:',
        { Ref: 'AWS::Region' },
        ':',
        { Ref: 'AWS::AccountId' },
        ':',
        { Ref: logicalId(s.progress.webSocketApi) },
        `/${s.progress.stage.stageName}/*/@connections/*`,
      ],
    ],
  };
}

describe('ProgressApi', () => {
  let s: Synth;
  beforeAll(() => {
    s = synth();
  });

  it('routes by the action of a JSON message and has one route per entry of the WebSocket route table', () => {
    s.template.hasResourceProperties('AWS::ApiGatewayV2::Api', {
      ProtocolType: 'WEBSOCKET',
      RouteSelectionExpression: '$request.body.action',
    });
    const routes = Object.values(s.template.findResources('AWS::ApiGatewayV2::Route'));
    expect(routes.map((route) => route.Properties.RouteKey).sort()).toEqual(WEBSOCKET_ROUTES.map((route) => route.routeKey).sort());
    for (const route of WEBSOCKET_ROUTES) {
      const [resource] = routes.filter((candidate) => candidate.Properties.RouteKey === route.routeKey);
      const integrationId = (resource!.Properties.Target['Fn::Join'][1] as unknown[])[1] as { Ref: string };
      const integration = s.template.toJSON().Resources[integrationId.Ref];
      expect(JSON.stringify(integration.Properties.IntegrationUri)).toContain(`"${logicalId(s.progress.functions.get(route.id)!.function)}"`);
    }
  });

  it('runs the Lambda authorizer on $connect and on no other route', () => {
    const authorizers = s.template.findResources('AWS::ApiGatewayV2::Authorizer');
    expect(Object.keys(authorizers)).toHaveLength(1);
    const [authorizerId] = Object.keys(authorizers);
    for (const route of Object.values(s.template.findResources('AWS::ApiGatewayV2::Route'))) {
      if (route.Properties.RouteKey === '$connect') {
        expect(route.Properties).toMatchObject({ AuthorizationType: 'CUSTOM', AuthorizerId: { Ref: authorizerId } });
      } else {
        expect(route.Properties.AuthorizationType, route.Properties.RouteKey).toBe('NONE');
        expect(route.Properties.AuthorizerId, route.Properties.RouteKey).toBeUndefined();
      }
    }
  });

  it('authorizes with the authorizer function, from the subprotocol header every client sends', () => {
    s.template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'REQUEST',
      IdentitySource: ['route.request.header.Sec-WebSocket-Protocol'],
    });
    const [authorizer] = Object.values(s.template.findResources('AWS::ApiGatewayV2::Authorizer'));
    expect(JSON.stringify(authorizer!.Properties.AuthorizerUri)).toContain(`"${logicalId(s.progress.authorizerFunction.function)}"`);
  });

  it("gives the authorizer the HTTP API's issuer and audiences, and a JWKS URL only when one is given", () => {
    expect(environmentOf(s.template, s.progress.authorizerFunction)).toMatchObject({
      [PROGRESS_ENV.jwtIssuer]: 'https://issuer.example.com',
      [PROGRESS_ENV.jwtAudience]: 'web,ios',
    });
    expect(environmentOf(s.template, s.progress.authorizerFunction)[PROGRESS_ENV.jwksUrl]).toBeUndefined();
    const withKeys = synth({ jwksUrl: 'https://issuer.example.com/.well-known/jwks.json' });
    expect(environmentOf(withKeys.template, withKeys.progress.authorizerFunction)[PROGRESS_ENV.jwksUrl]).toBe(
      'https://issuer.example.com/.well-known/jwks.json',
    );
  });

  it('grants execute-api:ManageConnections on this stage only, to exactly the functions whose access says manageConnections', () => {
    for (const [definition, fn] of definitions(s)) {
      const manage = statementsOf(s.template, fn).filter((statement) => actionsOf(statement).includes('execute-api:ManageConnections'));
      if (definition.access.manageConnections === true) {
        expect(manage.map((statement) => statement.Resource), definition.id).toEqual([stageConnectionsArn(s)]);
        expect(environmentOf(s.template, fn)[PROGRESS_ENV.callbackUrl], definition.id).toEqual({
          'Fn::Join': ['', ['https://', { Ref: logicalId(s.progress.webSocketApi) }, '.execute-api.', { Ref: 'AWS::Region' }, '.', { Ref: 'AWS::URLSuffix' }, '/live']],
        });
      } else {
        expect(manage, definition.id).toEqual([]);
        expect(environmentOf(s.template, fn)[PROGRESS_ENV.callbackUrl], definition.id).toBeUndefined();
      }
    }
    expect(definitions(s).filter(([definition]) => definition.access.manageConnections === true).length).toBeGreaterThan(0);
  });

  it("scopes each API's ManageConnections to its own stage when a stack holds two", () => {
    const stack = testStack();
    const progressFor = (id: string) => {
      const storage = new Storage(stack, `${id}Storage`);
      return new ProgressApi(stack, id, {
        uploadsTable: storage.table,
        usageTable: storage.usageTable,
        jwtIssuer: 'https://issuer.example.com',
        jwtAudience: ['web'],
      });
    };
    const first = progressFor('First');
    const second = progressFor('Second');
    const template = Template.fromStack(stack);
    const manageOf = (fn: PipelineFunction) =>
      statementsOf(template, fn)
        .filter((statement) => actionsOf(statement).includes('execute-api:ManageConnections'))
        .map((statement) => JSON.stringify(statement.Resource));
    for (const [own, other] of [
      [first, second],
      [second, first],
    ] as const) {
      const posters = own.node.findAll().filter((c): c is PipelineFunction => c instanceof PipelineFunction && manageOf(c).length > 0);
      expect(posters.length).toBeGreaterThan(0);
      for (const fn of posters) {
        expect(manageOf(fn), fn.node.path).toEqual([expect.stringContaining(`"${logicalId(own.webSocketApi)}"`)]);
        expect(manageOf(fn).join(), fn.node.path).not.toContain(`"${logicalId(other.webSocketApi)}"`);
      }
    }
  });

  it('grants each function what its access names on the Connections table: Query on the table itself only for topic queries', () => {
    const tableArn = { 'Fn::GetAtt': [logicalId(s.progress.connectionsTable), 'Arn'] };
    for (const [definition, fn] of definitions(s)) {
      const queriesTable = statementsOf(s.template, fn).some(
        (statement) => actionsOf(statement).includes('dynamodb:Query') && [statement.Resource].flat().some((resource) => JSON.stringify(resource) === JSON.stringify(tableArn)),
      );
      expect(queriesTable, definition.id).toBe(definition.access.connectionsTable?.queryTopics === true);
      expect(environmentOf(s.template, fn)[PROGRESS_ENV.connectionsTable] !== undefined, definition.id).toBe(definition.access.connectionsTable !== undefined);
    }
  });

  it('keeps subscriptions in an on-demand, encrypted Connections table of the shared schema, with the TTL on', () => {
    s.template.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [
        { AttributeName: CONNECTIONS_TABLE_SCHEMA.partitionKey.name, KeyType: 'HASH' },
        { AttributeName: CONNECTIONS_TABLE_SCHEMA.sortKey!.name, KeyType: 'RANGE' },
      ],
      BillingMode: 'PAY_PER_REQUEST',
      SSESpecification: { SSEEnabled: true },
      TimeToLiveSpecification: { AttributeName: SUBSCRIPTION_TTL_ATTRIBUTE, Enabled: true },
      GlobalSecondaryIndexes: CONNECTIONS_TABLE_SCHEMA.globalSecondaryIndexes.map((index) => ({
        IndexName: index.indexName,
        KeySchema: [
          { AttributeName: index.partitionKey.name, KeyType: 'HASH' },
          { AttributeName: index.sortKey.name, KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
      })),
    });
    expect(s.template.toJSON().Resources[logicalId(s.progress.connectionsTable)].DeletionPolicy).toBe('Delete');
  });

  it("streams every write of the Uploads table (NEW_IMAGE) into the publisher, with bisecting, bounded retries and an on-failure queue", () => {
    s.template.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [{ AttributeName: UPLOADS_TABLE_SCHEMA.partitionKey.name, KeyType: 'HASH' }],
      StreamSpecification: { StreamViewType: 'NEW_IMAGE' },
    });
    s.template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: { 'Fn::GetAtt': [logicalId(s.storage.table), 'StreamArn'] },
      FunctionName: { Ref: logicalId(s.progress.publishFunction.function) },
      StartingPosition: 'TRIM_HORIZON',
      BisectBatchOnFunctionError: true,
      MaximumRetryAttempts: 3,
      MaximumRecordAgeInSeconds: 900,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [logicalId(s.progress.publishFailureQueue), 'Arn'] } } },
    });
  });

  it('keeps failed publishes in an encrypted, TLS-only queue and alarms on the first one', () => {
    s.template.hasResourceProperties('AWS::SQS::Queue', { SqsManagedSseEnabled: true, MessageRetentionPeriod: 14 * 86_400 });
    s.template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      Queues: [{ Ref: logicalId(s.progress.publishFailureQueue) }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
    s.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [logicalId(s.progress.publishFailureQueue), 'QueueName'] } }],
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    });
  });

  it('throttles the stage and logs access as JSON, with no query string or header where a token could be', () => {
    s.template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: 'live',
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingRateLimit: 100, ThrottlingBurstLimit: 200 },
      AccessLogSettings: { DestinationArn: { 'Fn::GetAtt': [logicalId(s.progress.accessLogGroup), 'Arn'] } },
    });
    const [stage] = Object.values(s.template.findResources('AWS::ApiGatewayV2::Stage'));
    const format = JSON.parse(stage!.Properties.AccessLogSettings.Format) as Record<string, string>;
    expect(format).toMatchObject({ requestId: '$context.requestId', connectionId: '$context.connectionId', status: '$context.status' });
    expect(Object.values(format).filter((variable) => /querystring|header|token/i.test(variable))).toEqual([]);
    s.template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 30 });
    const throttled = synth({ throttle: { rateLimit: 5, burstLimit: 10 } });
    throttled.template.hasResourceProperties('AWS::ApiGatewayV2::Stage', { DefaultRouteSettings: { ThrottlingRateLimit: 5, ThrottlingBurstLimit: 10 } });
  });

  it('refuses an Uploads table without a stream, naming it', () => {
    const stack = testStack();
    const storage = new Storage(stack, 'Storage');
    const unstreamed = tableFromSchema(stack, 'Unstreamed', UPLOADS_TABLE_SCHEMA, { removalPolicy: RemovalPolicy.DESTROY });
    expect(
      () =>
        new ProgressApi(stack, 'Progress', {
          uploadsTable: unstreamed,
          usageTable: storage.usageTable,
          jwtIssuer: 'https://issuer.example.com',
          jwtAudience: ['web'],
        }),
    ).toThrow('Test/Unstreamed has no stream to consume');
  });
});

const WRITE_ACTIONS = [
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:BatchWriteItem',
  'dynamodb:PartiQLInsert',
  'dynamodb:PartiQLUpdate',
  'dynamodb:PartiQLDelete',
];

function allowsWrite(action: string): boolean {
  const pattern = new RegExp(`^${action.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`, 'i');
  return WRITE_ACTIONS.some((write) => pattern.test(write));
}

/** Every statement of a role: inline, attached, and none hidden in a managed policy that could write. */
function allStatements(resources: TemplateResources, roleId: string): TemplateStatement[] {
  const role = resources[roleId]!;
  for (const arn of role.Properties?.ManagedPolicyArns ?? []) {
    expect(JSON.stringify(arn), `${roleId} has a managed policy whose actions the template does not show`).toContain('AWSLambdaBasicExecutionRole');
  }
  const inline = (role.Properties?.Policies ?? []).flatMap((policy: { PolicyDocument: { Statement: TemplateStatement[] } }) => policy.PolicyDocument.Statement);
  const attached = Object.values(resources)
    .filter((resource) => resource.Type === 'AWS::IAM::Policy')
    .filter((resource) => (resource.Properties?.Roles ?? []).some((ref: unknown) => JSON.stringify(ref) === JSON.stringify({ Ref: roleId })))
    .flatMap((resource) => resource.Properties?.PolicyDocument.Statement as TemplateStatement[]);
  return [...inline, ...attached];
}

/**
 * Every function whose role may write a table of upload records (any table keyed like the
 * Uploads table), with the table, found in the template alone: no list of writers to keep.
 */
function uploadRecordWriters(resources: TemplateResources): Array<{ functionId: string; tableId: string }> {
  const recordTables = Object.entries(resources)
    .filter(([, resource]) => resource.Type === 'AWS::DynamoDB::Table')
    .filter(([, resource]) =>
      (resource.Properties?.KeySchema ?? []).some(
        (key: { AttributeName: string; KeyType: string }) => key.KeyType === 'HASH' && key.AttributeName === UPLOADS_TABLE_SCHEMA.partitionKey.name,
      ),
    )
    .map(([id]) => id);
  const writers: Array<{ functionId: string; tableId: string }> = [];
  for (const [functionId, fn] of Object.entries(resources)) {
    if (fn.Type !== 'AWS::Lambda::Function') continue;
    const roleId = (fn.Properties?.Role as { 'Fn::GetAtt'?: [string, string] })?.['Fn::GetAtt']?.[0];
    if (roleId === undefined) continue;
    const writes = allStatements(resources, roleId).filter((statement) => statement.Effect === 'Allow' && actionsOf(statement).some(allowsWrite));
    for (const tableId of recordTables) {
      const named = writes.some((statement) => statement.Resource === '*' || JSON.stringify(statement.Resource).includes(`"${tableId}"`));
      if (named) writers.push({ functionId, tableId });
    }
  }
  return writers;
}

/** The writers whose table's stream does not feed the publisher, every record, as written. */
function writersThatBypassPublishing(resources: TemplateResources, publisherId: string): string[] {
  const feedsPublisher = (tableId: string) =>
    ['NEW_IMAGE', 'NEW_AND_OLD_IMAGES'].includes(resources[tableId]?.Properties?.StreamSpecification?.StreamViewType) &&
    Object.values(resources).some(
      (mapping) =>
        mapping.Type === 'AWS::Lambda::EventSourceMapping' &&
        JSON.stringify(mapping.Properties?.EventSourceArn) === JSON.stringify({ 'Fn::GetAtt': [tableId, 'StreamArn'] }) &&
        JSON.stringify(mapping.Properties?.FunctionName) === JSON.stringify({ Ref: publisherId }) &&
        mapping.Properties?.Enabled !== false &&
        mapping.Properties?.FilterCriteria === undefined,
    );
  return uploadRecordWriters(resources)
    .filter(({ tableId }) => !feedsPublisher(tableId))
    .map(({ functionId, tableId }) => `${functionId} writes ${tableId}`);
}

describe('every writer of upload records is published (derived from the deployed app)', () => {
  const resourcesOf = (stack: MediaPipelineStack) => Template.fromStack(stack).toJSON().Resources as TemplateResources;
  const publisherOf = (stack: MediaPipelineStack) => logicalId(stack.pipeline.progress!.publishFunction.function);

  it('finds the writers in the template, and each writes the table whose stream the publisher reads', () => {
    const stack = buildPipelineApp(testApp());
    const resources = resourcesOf(stack);
    const writers = uploadRecordWriters(resources);
    const writerFunctions = new Set(writers.map(({ functionId }) => functionId));
    // Creating, completing, deleting, processing, failing, expiring, sweeping and bytesSent: far more than one.
    expect(writerFunctions.size).toBeGreaterThanOrEqual(8);
    expect(new Set(writers.map(({ tableId }) => tableId))).toEqual(new Set([logicalId(stack.pipeline.storage.table)]));
    expect(writersThatBypassPublishing(resources, publisherOf(stack))).toEqual([]);
  });

  it('names a function that writes upload records into a table the publisher does not read (the check itself can fail)', () => {
    const stack = buildPipelineApp(testApp());
    const rogueTable = tableFromSchema(stack, 'RogueUploads', UPLOADS_TABLE_SCHEMA, { removalPolicy: RemovalPolicy.DESTROY });
    const rogueWriter = new PipelineFunction(stack, 'RogueWriter', { handlerDir: 'get-upload' }).bindUploadsTable(rogueTable, { items: ['update'] });
    expect(writersThatBypassPublishing(resourcesOf(stack), publisherOf(stack))).toEqual([`${logicalId(rogueWriter.function)} writes ${logicalId(rogueTable)}`]);
  });
});
