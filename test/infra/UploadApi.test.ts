import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_UPLOAD_POLICY } from '../../lambdas/shared/mediaPolicy.js';
import { authOf, ROUTES } from '../../lib/routes.js';
import { BY_OWNER_INDEX } from '../../lib/uploadsTableSchema.js';
import { Storage } from '../../lib/Storage.js';
import { UploadApi, type UploadApiProps } from '../../lib/UploadApi.js';
import { logicalId, testStack } from './testApp.js';

function synth(props: Partial<UploadApiProps> = {}) {
  const stack = testStack();
  const storage = new Storage(stack, 'Storage');
  const api = new UploadApi(stack, 'Api', {
    uploadsBucket: storage.uploadsBucket,
    mediaBucket: storage.mediaBucket,
    table: storage.table,
    usageTable: storage.usageTable,
    jwtIssuer: 'https://issuer.example.com',
    jwtAudience: ['media-app'],
    uploadPolicy: DEFAULT_UPLOAD_POLICY,
    ...props,
  });
  return { stack, storage, api, template: Template.fromStack(stack) };
}

type Synth = ReturnType<typeof synth>;

/** The policy statements of a route's function, with every ARN token flattened to the logical id it names. */
function routeStatements({ template, api }: Synth, routeId: string): Array<{ Action: string | string[]; Resource: unknown }> {
  const fn = api.functions.get(routeId)!;
  return template.toJSON().Resources[logicalId(fn.role.node.findChild('DefaultPolicy'))].Properties.PolicyDocument.Statement;
}

function actionsOn(s: Synth, routeId: string, resource: Parameters<typeof logicalId>[0]): string[] {
  const id = logicalId(resource);
  return routeStatements(s, routeId)
    .filter((statement) => JSON.stringify(statement.Resource).includes(`"${id}"`))
    .flatMap((statement) => statement.Action);
}

describe('UploadApi', () => {
  let s: Synth;
  beforeAll(() => {
    s = synth();
  });

  it('creates one function and one route per entry of the route table', () => {
    s.template.resourceCountIs('AWS::ApiGatewayV2::Route', ROUTES.length);
    expect([...s.api.functions.keys()]).toEqual(ROUTES.map((route) => route.id));
  });

  it.each(ROUTES.filter((route) => authOf(route) === 'jwt').map((route) => [`${route.method} ${route.path}`, route] as const))(
    '%s requires a JWT and reaches its own function',
    (routeKey, route) => {
      const routes = s.template.findResources('AWS::ApiGatewayV2::Route', { Properties: { RouteKey: routeKey } });
      const [resource] = Object.values(routes);
      expect(resource?.Properties).toMatchObject({ AuthorizationType: 'JWT', AuthorizerId: { Ref: expect.any(String) } });
      const integrationId = (resource!.Properties.Target['Fn::Join'][1] as unknown[])[1] as { Ref: string };
      const integration = s.template.toJSON().Resources[integrationId.Ref];
      expect(integration.Properties.IntegrationUri).toEqual({
        'Fn::GetAtt': [logicalId(s.api.functions.get(route.id)!.function), 'Arn'],
      });
    },
  );

  it('serves GET /openapi.json, the only route without auth, to anyone, with the reason beside it for cdk-nag', () => {
    expect(ROUTES.filter((route) => authOf(route) === 'none').map((route) => `${route.method} ${route.path}`)).toEqual(['GET /openapi.json']);
    const [resource] = Object.values(s.template.findResources('AWS::ApiGatewayV2::Route', { Properties: { RouteKey: 'GET /openapi.json' } }));
    expect(resource?.Properties.AuthorizationType).toBe('NONE');
    expect(resource?.Properties.AuthorizerId).toBeUndefined();
    const acknowledged = (resource?.Metadata?.cdk_nag?.rules_to_suppress ?? []) as { id: string; reason: string }[];
    expect(acknowledged.map((rule) => rule.id)).toEqual(['AwsSolutions-APIG4']);
  });

  it('authorizes with the issuer and audience it is given, from the Authorization header', () => {
    s.template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'JWT',
      IdentitySource: ['$request.header.Authorization'],
      JwtConfiguration: { Issuer: 'https://issuer.example.com', Audience: ['media-app'] },
    });
  });

  it('answers browser preflights for the API methods and the Authorization header', () => {
    s.template.hasResourceProperties('AWS::ApiGatewayV2::Api', {
      CorsConfiguration: {
        AllowOrigins: ['*'],
        AllowMethods: ['GET', 'POST', 'DELETE', 'OPTIONS'],
        AllowHeaders: ['authorization', 'content-type'],
        MaxAge: 86_400,
      },
    });
    synth({ corsOrigins: ['https://app.example.com'] }).template.hasResourceProperties('AWS::ApiGatewayV2::Api', {
      CorsConfiguration: Match.objectLike({ AllowOrigins: ['https://app.example.com'] }),
    });
  });

  it('throttles the auto-deployed default stage and logs every request to its log group', () => {
    s.template.resourceCountIs('AWS::ApiGatewayV2::Stage', 1);
    s.template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingRateLimit: 100, ThrottlingBurstLimit: 200 },
      AccessLogSettings: {
        DestinationArn: { 'Fn::GetAtt': [logicalId(s.api.accessLogGroup), 'Arn'] },
        Format: Match.stringLikeRegexp('"requestId":"\\$context.requestId"'),
      },
    });
    synth({ throttle: { rateLimit: 5, burstLimit: 10 } }).template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      DefaultRouteSettings: { ThrottlingRateLimit: 5, ThrottlingBurstLimit: 10 },
    });
  });

  it('passes the upload policy to every function', () => {
    for (const fn of s.api.functions.values()) {
      expect(s.template.toJSON().Resources[logicalId(fn.function)].Properties.Environment.Variables.UPLOAD_POLICY).toBe(
        JSON.stringify(DEFAULT_UPLOAD_POLICY),
      );
    }
  });

  it.each(ROUTES.map((route) => [route.id, route] as const))(
    "gives %s the variables and grants of the resources its route's access names, and none on the others",
    (routeId, route) => {
      const { storage } = s;
      const variables = s.template.toJSON().Resources[logicalId(s.api.functions.get(routeId)!.function)].Properties.Environment
        .Variables as Record<string, unknown>;
      const bindings = [
        [storage.table, 'UPLOADS_TABLE', route.access.table],
        [storage.usageTable, 'USAGE_TABLE', route.access.usageTable],
        [storage.uploadsBucket, 'UPLOADS_BUCKET', route.access.uploadsBucket],
        [storage.mediaBucket, 'MEDIA_BUCKET', route.access.mediaBucket],
      ] as const;
      for (const [resource, variable, access] of bindings) {
        expect(actionsOn(s, routeId, resource).length > 0, `${routeId} on ${variable}`).toBe(access !== undefined);
        expect(variable in variables, `${routeId} has ${variable}`).toBe(access !== undefined);
      }
    },
  );

  it('lets list-uploads query the owner index and nothing else of the table', () => {
    const table = routeStatements(s, 'ListUploads').filter((statement) => JSON.stringify(statement.Resource).includes(logicalId(s.storage.table)));
    expect(table).toEqual([
      {
        Action: 'dynamodb:Query',
        Effect: 'Allow',
        Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [logicalId(s.storage.table), 'Arn'] }, `/index/${BY_OWNER_INDEX}`]] },
      },
    ]);
  });

  it('gives the Usage table to exactly the routes that reserve uploads or move records', () => {
    const withUsage = ROUTES.filter((route) => route.access.usageTable !== undefined).map((route) => route.id);
    expect(withUsage).toEqual(['CreateUpload', 'CompleteUpload', 'DeleteUpload', 'CompanionCreateUpload', 'CompanionCompleteUpload', 'CompanionAbortUpload', 'CompanionUploadParameters']);
  });

  it('gives list-uploads no S3 access at all and get-config neither S3 nor the table', () => {
    const everything = (routeId: string) => routeStatements(s, routeId).flatMap((statement) => statement.Action);
    expect(everything('ListUploads').filter((action) => action.startsWith('s3:'))).toEqual([]);
    expect(everything('GetConfig').filter((action) => /^(s3|dynamodb):/.test(action))).toEqual([]);
  });
});
