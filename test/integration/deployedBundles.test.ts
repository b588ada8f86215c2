import { execFile } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleHandler } from '../../lib/bundleHandler.js';
import { PROJECT_ROOT } from '../../lib/PipelineFunction.js';
import { BUNDLE_ENTRY_FILE } from '../../lib/pipelineEsbuildOptions.js';
import { ROUTES } from '../../lib/routes.js';
import { buildApiEvent } from '../../local/gateway/buildApiEvent.js';
import { createRouteMatcher } from '../../local/gateway/createRouteMatcher.js';
import { startTestLocal, type TestLocal } from './support/startTestLocal.js';

const run = promisify(execFile);
const matchRoute = createRouteMatcher(ROUTES);

/**
 * Imports the bundle named by argv[1] in this fresh process, as Lambda does at cold start, and
 * answers the event on stdin with what the handler returns, as JSON.
 */
const INVOKE = `
const { handler } = await import(process.argv[1]);
let input = '';
for await (const chunk of process.stdin) input += chunk;
const context = { awsRequestId: 'bundle-test', functionName: 'bundle-test', getRemainingTimeInMillis: () => 30000 };
process.stdout.write(JSON.stringify(await handler(JSON.parse(input), context)));
`;

interface ApiResult {
  readonly statusCode: number;
  readonly body: Record<string, unknown> & { readonly error?: { readonly code: string } };
}

/**
 * The bundles Lambda runs (entry file, chunks, maps: `bundleHandler`, as synth makes them), each
 * run in a Node process of its own against local mode's S3 and DynamoDB with the environment local
 * mode gives its functions: the minified, tree-shaken SDK clients split over chunks, their signing
 * and the built-ins the bundle loads with `require` work as deployed, which the TypeScript sources
 * local mode runs cannot show.
 */
describe('the deployed bundles, run against local mode', () => {
  let test: TestLocal;
  let bundles: string;

  beforeAll(async () => {
    test = await startTestLocal('deployed-bundles');
    bundles = await mkdtemp(join(tmpdir(), 'deployed-bundles-'));
    await Promise.all(['create-upload', 'get-upload'].map((dir) => bundleHandler(join(PROJECT_ROOT, 'lambdas', dir, 'handler.ts'), join(bundles, dir))));
  }, 120_000);

  afterAll(async () => {
    await test?.stop();
    if (bundles) await rm(bundles, { recursive: true, force: true });
  });

  /**
   * The answer of the route's function to a request from `sub`, in the event API Gateway sends
   * after the JWT authorizer (local mode's gateway builds the same).
   */
  async function invoke(method: string, path: string, sub: string, body?: unknown): Promise<ApiResult> {
    const match = matchRoute(method, path);
    if (!match) throw new Error(`No route for ${method} ${path}`);
    const event = buildApiEvent({
      request: {
        method,
        rawPath: path,
        rawQueryString: '',
        headers: { 'content-type': ['application/json'], host: ['api.example.com'] },
        body: body === undefined ? Buffer.alloc(0) : Buffer.from(JSON.stringify(body)),
        sourceIp: '127.0.0.1',
      },
      match,
      claims: { sub, iss: 'https://issuer.example.com', aud: 'media-pipeline' },
      requestId: 'bundle-test',
      now: new Date(),
    });
    const child = run(process.execPath, ['--input-type=module', '-e', INVOKE, pathToFileURL(join(bundles, match.route.handler, BUNDLE_ENTRY_FILE)).href], {
      // This process's environment, where local mode set its functions' variables (endpoints, keys, names), without
      // vitest's own and NODE_OPTIONS: the bundle runs with no loader or flags, as on Lambda.
      env: Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('VITEST') && name !== 'NODE_OPTIONS')),
      encoding: 'utf8',
    });
    child.child.stdin!.end(JSON.stringify(event));
    const { stdout } = await child;
    const result = JSON.parse(stdout) as { statusCode: number; body: string };
    return { statusCode: result.statusCode, body: JSON.parse(result.body) as ApiResult['body'] };
  }

  it('bundle the SDK code only import() reaches into chunks of their own', async () => {
    const files = await readdir(join(bundles, 'create-upload'));
    expect(files).toContain(BUNDLE_ENTRY_FILE);
    expect(files.filter((name) => /^chunk-\w+\.mjs$/.test(name)).length).toBeGreaterThan(0);
  });

  it('create an upload whose part URL local S3 accepts, and read it back as its owner only', async () => {
    const created = await invoke('POST', '/uploads', 'bundle-user', { filename: 'clip.mp4', contentType: 'video/mp4', size: 1024 });
    expect(created.statusCode).toBe(201);
    const { uploadId, parts } = created.body as { uploadId: string; parts: Array<{ partNumber: number; url: string }> };
    expect(parts).toHaveLength(1);
    expect(new URL(parts[0]!.url).origin).toBe(test.local.s3Endpoint);

    const put = await fetch(parts[0]!.url, { method: 'PUT', body: Buffer.alloc(1024, 1) });
    expect(put.status).toBe(200);
    expect(put.headers.get('etag')).toMatch(/^"[0-9a-f]{32}"$/);

    const own = await invoke('GET', `/uploads/${uploadId}`, 'bundle-user');
    expect(own.statusCode).toBe(200);
    // The part S3 holds, as ListParts through the bundle's S3 client reports it.
    expect(own.body).toMatchObject({ uploadId, status: 'initiated', filename: 'clip.mp4', size: 1024, uploadedParts: [{ partNumber: 1, size: 1024 }] });

    const other = await invoke('GET', `/uploads/${uploadId}`, 'someone-else');
    expect(other.statusCode).toBe(404);
    expect(other.body.error?.code).toBe('NOT_FOUND');
  });
});
