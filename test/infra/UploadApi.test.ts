import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_UPLOAD_POLICY } from '../../lambdas/shared/mediaPolicy.js';
import { ROUTES, type RouteDefinition } from '../../lib/routes.js';
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

  it.each(ROUTES.map((route) => [`${route.method} ${route.path}`, route] as const))(
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

  /** The item writes each route's code sends (create puts, transitions update, removal deletes). */
  const ITEM_WRITES: Record<RouteDefinition['access']['table'], string[]> = {
    none: [],
    read: [],
    'read+put': ['dynamodb:PutItem'],
    'read+update': ['dynamodb:UpdateItem'],
    'read+update+delete': ['dynamodb:DeleteItem', 'dynamodb:UpdateItem'],
  };

  it.each(ROUTES.map((route) => [route.id, route] as const))(
    "scopes %s's policy to the table and buckets its route's access names, and nothing else",
    (routeId, route) => {
      const { storage } = s;
      const table = actionsOn(s, routeId, storage.table);
      const uploads = actionsOn(s, routeId, storage.uploadsBucket);
      const media = actionsOn(s, routeId, storage.mediaBucket);
      const variables = s.template.toJSON().Resources[logicalId(s.api.functions.get(routeId)!.function)].Properties.Environment
        .Variables as Record<string, unknown>;

      if (route.access.table === 'none') expect(table).toEqual([]);
      else expect(table).toContain('dynamodb:GetItem');
      const writes = table.filter((action) => /Item$/.test(action) && !/(Get|ConditionCheck)Item$/.test(action)).sort();
      expect(writes).toEqual(ITEM_WRITES[route.access.table]);
      expect('UPLOADS_TABLE' in variables).toBe(route.access.table !== 'none');

      const usage = actionsOn(s, routeId, storage.usageTable);
      expect(usage).toEqual(route.access.usageTable === 'none' ? [] : ['dynamodb:GetItem', 'dynamodb:UpdateItem']);
      expect('USAGE_TABLE' in variables).toBe(route.access.usageTable !== 'none');

      if (route.access.uploadsBucket === 'none') expect(uploads).toEqual([]);
      else expect(uploads).toEqual(expect.arrayContaining(['s3:PutObject', 's3:ListMultipartUploadParts']));
      expect(uploads.includes('s3:DeleteObject')).toBe(route.access.uploadsBucket === 'multipart+delete');
      expect('UPLOADS_BUCKET' in variables).toBe(route.access.uploadsBucket !== 'none');

      if (route.access.mediaBucket === 'none') expect(media).toEqual([]);
      else expect(media).toEqual(['s3:DeleteObject', 's3:ListBucket']);
      expect('MEDIA_BUCKET' in variables).toBe(route.access.mediaBucket !== 'none');
    },
  );

  it('gives the Usage table to exactly the routes that reserve uploads or move records', () => {
    const withUsage = ROUTES.filter((route) => route.access.usageTable !== 'none').map((route) => route.id);
    expect(withUsage).toEqual(['CreateUpload', 'CompleteUpload', 'DeleteUpload']);
  });

  it('gives list-uploads no S3 access at all and get-config neither S3 nor the table', () => {
    const everything = (routeId: string) => routeStatements(s, routeId).flatMap((statement) => statement.Action);
    expect(everything('ListUploads').filter((action) => action.startsWith('s3:'))).toEqual([]);
    expect(everything('GetConfig').filter((action) => /^(s3|dynamodb):/.test(action))).toEqual([]);
  });
});
