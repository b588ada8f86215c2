import { relative } from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildPipelineApp } from '../../lib/buildPipelineApp.js';
import {
  DELIVER_WEBHOOKS_FUNCTION,
  APPLY_RETENTION_FUNCTION,
  EXPIRE_UPLOADS_FUNCTION,
  FAIL_DEAD_LETTERS_FUNCTION,
  INVALIDATE_MEDIA_FUNCTION,
  MEDIACONVERT_STATUS_FUNCTION,
  PROCESS_UPLOAD_FUNCTION,
  PUBLISH_EVENTS_FUNCTION,
  SWEEP_UPLOADS_FUNCTION,
} from '../../lib/eventFunctions.js';
import { PipelineFunction, PROJECT_ROOT } from '../../lib/PipelineFunction.js';
import { ROUTES } from '../../lib/routes.js';
import { PUBLISH_PROGRESS_FUNCTION, WEBSOCKET_AUTHORIZER_FUNCTION, WEBSOCKET_ROUTES } from '../../lib/webSocketRoutes.js';
import { lambdaServiceActions } from './support/lambdaServiceActions.js';
import { actionsOf, roleStatements, type TemplateResources } from './support/roleGrants.js';
import { type BundleCalls, sdkCallsOfBundle } from './support/sdkCallsOfBundle.js';
import { logicalId, testApp } from './testApp.js';

/**
 * Least privilege, checked rather than listed: for every PipelineFunction of the deployed app,
 * the actions its role grants must equal the actions its bundled code's SDK calls need
 * (support/sdkCallsOfBundle.ts, through the table in support/sdkCallActions.ts) plus the actions
 * the Lambda service calls with the role for the function's own configuration (logs, tracing,
 * dead-letter queue, queue polling: support/lambdaServiceActions.ts). An extra action fails, and
 * so does a missing one.
 */

interface PrivilegeDiff {
  /** Granted, but neither the code nor the Lambda service calls it. */
  readonly extra: readonly string[];
  /** Called, but not granted: the function would fail on AWS with AccessDenied. */
  readonly missing: readonly string[];
}

function privilegeDiff(resources: TemplateResources, fn: PipelineFunction, code: BundleCalls): PrivilegeDiff {
  const needed = new Set([...code.actions.keys(), ...lambdaServiceActions(resources, logicalId(fn.function)).keys()]);
  const granted = new Set(roleStatements(resources, logicalId(fn.role)).flatMap(actionsOf));
  return {
    extra: [...granted].filter((action) => !needed.has(action)).sort(),
    missing: [...needed].filter((action) => !granted.has(action)).sort(),
  };
}

/** Why each action is needed, for a failure message. */
function explain(resources: TemplateResources, fn: PipelineFunction, code: BundleCalls): string {
  const service = lambdaServiceActions(resources, logicalId(fn.function));
  const lines = [...code.actions].map(([action, calls]) => `  ${action} <- ${calls.map((call) => `${call.name} at ${call.at}`).join(', ')}`);
  lines.push(...[...service].map(([action, reason]) => `  ${action} <- ${reason}`));
  return `${fn.node.path} (${relative(PROJECT_ROOT, fn.entry)}) needs:\n${lines.sort().join('\n')}`;
}

// With signed media access: every function of the default app is there, plus the playlist origin
// and the key maker, and the functions that hand out media URLs call Secrets Manager in their
// bundles under either access (under public access the code never reaches the call). With the
// malware scan on, likewise: the process function's bundle reads the verdict tag and deletes
// infected originals either way, and the grants for it exist only with the scan on
// (test/infra/MalwareScan.test.ts holds them away from the default). A webhook adds the
// delivery function.
const WEBHOOKS = JSON.stringify([
  { id: 'backend', url: 'https://hooks.example.com/media', secretArn: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:media-webhook-AbCdEf' },
]);
const APP_CONTEXT = { access: 'signed', malwareScan: 'true', webhooks: WEBHOOKS };
const stack = buildPipelineApp(testApp({ context: APP_CONTEXT }));
const resources = Template.fromStack(stack).toJSON().Resources as TemplateResources;
const functions = stack.node.findAll().filter((construct): construct is PipelineFunction => construct instanceof PipelineFunction);
const code = new Map<string, BundleCalls>();

beforeAll(async () => {
  const entries = [...new Set(functions.map((fn) => fn.entry))];
  const found = await Promise.all(entries.map(async (entry) => [entry, await sdkCallsOfBundle(entry)] as const));
  for (const [entry, calls] of found) code.set(entry, calls);
});

describe('least privilege, derived from the code each function bundles', () => {
  it('covers every function the app deploys: one per route, processing, dead letters, expiry, the sweep, retention, MediaConvert status, CDN invalidation, live progress, signed media, events and webhooks', () => {
    const handlers = functions.map((fn) => relative(PROJECT_ROOT, fn.entry));
    const expected = [
      ...ROUTES.map((route) => route.handler),
      PROCESS_UPLOAD_FUNCTION.handler,
      FAIL_DEAD_LETTERS_FUNCTION.handler,
      EXPIRE_UPLOADS_FUNCTION.handler,
      SWEEP_UPLOADS_FUNCTION.handler,
      APPLY_RETENTION_FUNCTION.handler,
      MEDIACONVERT_STATUS_FUNCTION.handler,
      INVALIDATE_MEDIA_FUNCTION.handler,
      ...WEBSOCKET_ROUTES.map((route) => route.handler),
      WEBSOCKET_AUTHORIZER_FUNCTION.handler,
      PUBLISH_PROGRESS_FUNCTION.handler,
      PUBLISH_EVENTS_FUNCTION.handler,
      DELIVER_WEBHOOKS_FUNCTION.handler,
      'serve-playlist',
      'make-signing-key',
    ];
    expect(handlers).toEqual(expect.arrayContaining(expected.map((handler) => `lambdas/${handler}/handler.ts`)));
  });

  it('knows the IAM actions of every SDK call the bundles make', () => {
    const unmapped = [...code.values()].flatMap((calls) => calls.unmapped).map((call) => `${call.module} ${call.name} at ${call.at}`);
    expect(unmapped, 'add these calls to test/infra/support/sdkCallActions.ts').toEqual([]);
  });

  it.each(functions.map((fn) => [fn.node.path, fn] as const))(
    "%s: the role grants exactly what the function's SDK calls and the Lambda service need",
    (_path, fn) => {
      const calls = code.get(fn.entry)!;
      expect(calls.sources.length).toBeGreaterThan(0);
      expect(privilegeDiff(resources, fn, calls), explain(resources, fn, calls)).toEqual({ extra: [], missing: [] });
    },
  );

  it('lists a bucket only under a prefix, names every action exactly, and grants on * only what has no resource ARN (X-Ray)', () => {
    for (const fn of functions) {
      for (const statement of roleStatements(resources, logicalId(fn.role))) {
        const where = `${fn.node.path}: ${JSON.stringify(statement)}`;
        expect(statement.Effect, where).toBe('Allow');
        expect([statement.NotAction, statement.NotResource], where).toEqual([undefined, undefined]);
        const actions = actionsOf(statement);
        expect(actions.filter((action) => action.includes('*')), where).toEqual([]);
        if (actions.includes('s3:ListBucket')) {
          expect(actions, where).toEqual(['s3:ListBucket']);
          expect(Object.keys(statement.Condition?.StringLike ?? {}), where).toEqual(['s3:prefix']);
        }
        if (JSON.stringify(statement.Resource).includes('"*"') || statement.Resource === '*') {
          expect(actions.every((action) => action.startsWith('xray:')), where).toBe(true);
        }
      }
    }
  });

  it('catches a grant beyond the code and a call without a grant (the check itself can fail)', () => {
    const app = testApp({ context: APP_CONTEXT });
    const wider = buildPipelineApp(app);
    const getUpload = wider.node.findAll().find((construct): construct is PipelineFunction => construct instanceof PipelineFunction && construct.entry.endsWith('get-upload/handler.ts'))!;
    const pipeline = wider.pipeline;
    pipeline.storage.uploadsBucket.grantRead(getUpload);
    pipeline.storage.table.grantReadData(getUpload);
    const widerResources = Template.fromStack(wider).toJSON().Resources as TemplateResources;

    const diff = privilegeDiff(widerResources, getUpload, code.get(getUpload.entry)!);

    expect(diff.extra).toEqual(expect.arrayContaining(['s3:GetObject*', 's3:GetBucket*', 's3:List*', 'dynamodb:Scan', 'dynamodb:Query']));
    expect(diff.missing).toEqual([]);
    const withoutCalls: BundleCalls = { ...code.get(getUpload.entry)!, actions: new Map([['s3:DeleteObject', []]]) };
    expect(privilegeDiff(widerResources, getUpload, withoutCalls).missing).toEqual(['s3:DeleteObject']);
  });
});
