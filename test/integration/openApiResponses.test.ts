import { randomBytes } from 'node:crypto';
import { readFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FINAL_STATUSES } from '../../lambdas/shared/uploadRecord.js';
import { silentLog } from '../../local/localLog.js';
import { type LocalMode, startLocal } from '../../local/startLocal.js';
import { PROJECT_ROOT } from '../../lib/PipelineFunction.js';
import { ROUTES } from '../../lib/routes.js';
import { type OpenApiAjv, openApiAjv } from '../support/openApiAjv.js';
import { type ApiAnswer, callApi, putPart } from './support/localHttp.js';

/** One real answer of local mode, and the documented operation it answers. */
interface Recorded {
  readonly route: string;
  readonly path: string;
  readonly method: string;
  readonly status: number;
  readonly body: unknown;
}

let local: LocalMode;
let dataDir: string;
let token: string;
const recorded: Recorded[] = [];

/** Calls a route as a client does and records the answer under the route's template. */
async function call(method: string, template: string, path: string, options: Parameters<typeof callApi>[3] = {}): Promise<ApiAnswer> {
  const answer = await callApi(local, method, path, options);
  recorded.push({ route: `${method} ${template}`, path: template, method: method.toLowerCase(), status: answer.status, body: answer.body });
  return answer;
}

beforeAll(async () => {
  process.env.POWERTOOLS_LOG_LEVEL ??= 'ERROR';
  dataDir = await mkdtemp(join(tmpdir(), 'openapi-responses-'));
  local = await startLocal({ port: 0, s3Port: 0, dynamoDbPort: 0, sqsPort: 0, dataDir, expireIntervalSeconds: 0, retryDelayMs: () => 50, log: silentLog });
  token = await local.mintToken('openapi');
});

afterAll(async () => {
  await local?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

describe('local mode answers as docs/openapi.json says', () => {
  let document: Record<string, any>;
  let ajv: OpenApiAjv;

  it('serves the committed document at GET /openapi.json without a token', async () => {
    const answer = await call('GET', '/openapi.json', '/openapi.json');
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toBe('application/json');
    expect(answer.body).toEqual(JSON.parse(await readFile(join(PROJECT_ROOT, 'docs/openapi.json'), 'utf8')));
    document = answer.body;
    ajv = openApiAjv(document);
  });

  it('records a success and an error answer of every route', async () => {
    const file = randomBytes(4096);
    const video = { filename: 'clip.mp4', contentType: 'video/mp4', size: file.length, metadata: { title: 'Take 1' } };

    // POST /uploads
    const created = await call('POST', '/uploads', '/uploads', { token, body: video });
    expect(created.status).toBe(201);
    const { uploadId } = created.body;
    await call('POST', '/uploads', '/uploads', { token, body: { ...video, colour: 'red' } });
    await call('POST', '/uploads', '/uploads', { token, body: { ...video, contentType: 'text/html' } });
    await call('POST', '/uploads', '/uploads', { token, body: { ...video, size: 1e15 } });
    await call('POST', '/uploads', '/uploads', { token, body: '{"filename":' });

    // Every route's authorizer answer, without a token or with a bad one.
    for (const route of ROUTES.filter((candidate) => candidate.path !== '/openapi.json')) {
      const path = route.path.replace('{id}', uploadId).replace('{partNumber}', '1');
      await call(route.method, route.path, path, route.method === 'POST' ? { body: {} } : {});
      await call(route.method, route.path, path, { token: 'not-a-jwt', ...(route.method === 'POST' ? { body: {} } : {}) });
    }

    // POST /uploads/{id}/parts
    await call('POST', '/uploads/{id}/parts', `/uploads/${uploadId}/parts`, { token, body: { partNumbers: [1] } });
    await call('POST', '/uploads/{id}/parts', `/uploads/${uploadId}/parts`, { token, body: { partNumbers: [2] } });
    await call('POST', '/uploads/{id}/parts', `/uploads/${uploadId}/parts`, { token, body: { numbers: [1] } });
    await call('POST', '/uploads/{id}/parts', '/uploads/not-an-id/parts', { token, body: { partNumbers: [1] } });

    // POST /uploads/{id}/complete before the part is in, then GET while initiated, then complete.
    await call('POST', '/uploads/{id}/complete', `/uploads/${uploadId}/complete`, { token, body: {} });
    await call('POST', '/uploads/{id}/complete', `/uploads/${uploadId}/complete`, { token, body: { parts: 'all' } });
    expect((await putPart(created.body.parts[0].url, file)).status).toBe(200);
    await call('GET', '/uploads/{id}', `/uploads/${uploadId}`, { token });
    await call('POST', '/uploads/{id}/complete', `/uploads/${uploadId}/complete`, { token, body: { parts: [{ partNumber: 1, etag: '"0123"' }] } });
    const completed = await call('POST', '/uploads/{id}/complete', `/uploads/${uploadId}/complete`, { token });
    expect(completed.status).toBe(200);
    await call('POST', '/uploads/{id}/complete', `/uploads/${uploadId}/complete`, { token });
    await call('POST', '/uploads/{id}/parts', `/uploads/${uploadId}/parts`, { token, body: { partNumbers: [1] } });

    // Processing fails the random bytes (not media): the record then carries error {code, message}.
    let status = completed.body.status;
    for (let poll = 0; poll < 300 && !FINAL_STATUSES.includes(status); poll += 1) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      status = (await callApi(local, 'GET', `/uploads/${uploadId}`, { token })).body.status;
    }
    expect(FINAL_STATUSES).toContain(status);
    await call('GET', '/uploads/{id}', `/uploads/${uploadId}`, { token });
    await call('GET', '/uploads/{id}', '/uploads/00000000-0000-4000-8000-000000000000', { token });

    // GET /uploads/{id}/download: the failed upload keeps its original; unknown ids are 404.
    const link = await call('GET', '/uploads/{id}/download', `/uploads/${uploadId}/download`, { token });
    expect(link.status).toBe(200);
    await call('GET', '/uploads/{id}/download', '/uploads/00000000-0000-4000-8000-000000000000/download', { token });

    // GET /uploads
    const second = await call('POST', '/uploads', '/uploads', { token, body: { ...video, filename: 'second.mp4' } });
    const page = await call('GET', '/uploads', '/uploads?limit=1', { token });
    expect(page.body.cursor).toEqual(expect.any(String));
    await call('GET', '/uploads', `/uploads?limit=5&cursor=${encodeURIComponent(page.body.cursor)}`, { token });
    await call('GET', '/uploads', '/uploads?status=ready', { token });
    await call('GET', '/uploads', '/uploads?limit=0', { token });
    await call('GET', '/uploads', '/uploads?cursor=forged', { token });

    // DELETE /uploads/{id}: cancel an unfinished one (200), remove a finished one (204), an unknown one.
    await call('DELETE', '/uploads/{id}', `/uploads/${second.body.uploadId}`, { token });
    await call('POST', '/uploads/{id}/complete', `/uploads/${second.body.uploadId}/complete`, { token });
    await call('GET', '/uploads/{id}/download', `/uploads/${second.body.uploadId}/download`, { token });
    await call('DELETE', '/uploads/{id}', `/uploads/${second.body.uploadId}`, { token });
    await call('DELETE', '/uploads/{id}', `/uploads/${second.body.uploadId}`, { token });
    await call('DELETE', '/uploads/{id}', `/uploads/${uploadId}`, { token });

    // Companion's routes (docs/uppy.md): create, sign, list, complete, abort; errors carry a top-level message.
    const companion = { filename: 'uppy.mp4', type: 'video/mp4', metadata: { name: 'uppy.mp4', type: 'video/mp4', size: String(file.length) } };
    const started = await call('POST', '/s3/multipart', '/s3/multipart', { token, body: companion });
    expect(started.status).toBe(200);
    const id = started.body.uploadId as string;
    await call('POST', '/s3/multipart', '/s3/multipart', { token, body: { ...companion, type: 'text/plain' } });
    await call('POST', '/s3/multipart', '/s3/multipart', { token, body: { ...companion, metadata: { size: '1000000000000000' } } });
    const signed = await call('GET', '/s3/multipart/{id}/{partNumber}', `/s3/multipart/${id}/1?key=${id}`, { token });
    await call('GET', '/s3/multipart/{id}/{partNumber}', `/s3/multipart/${id}/2?key=${id}`, { token });
    await call('GET', '/s3/multipart/{id}/batch', `/s3/multipart/${id}/batch?key=${id}&partNumbers=1`, { token });
    await call('GET', '/s3/multipart/{id}/batch', `/s3/multipart/${id}/batch?key=${id}&partNumbers=1,1`, { token });
    const put = await putPart(signed.body.url, file);
    expect(put.status).toBe(200);
    await call('GET', '/s3/multipart/{id}', `/s3/multipart/${id}?key=${id}`, { token });
    await call('GET', '/s3/multipart/{id}', `/s3/multipart/${id}?key=${uploadId}`, { token });
    await call('POST', '/s3/multipart/{id}/complete', `/s3/multipart/${id}/complete?key=${id}`, { token, body: { parts: [{ PartNumber: 1, ETag: '"0123"' }] } });
    const done = await call('POST', '/s3/multipart/{id}/complete', `/s3/multipart/${id}/complete?key=${id}`, {
      token,
      body: { parts: [{ PartNumber: 1, ETag: put.headers.get('etag') }] },
    });
    expect(done.body).toEqual({ location: `/uploads/${id}` });
    await call('DELETE', '/s3/multipart/{id}', `/s3/multipart/${id}?key=${id}`, { token });
    const abandoned = await call('POST', '/s3/multipart', '/s3/multipart', { token, body: companion });
    await call('DELETE', '/s3/multipart/{id}', `/s3/multipart/${abandoned.body.uploadId}?key=${abandoned.body.uploadId}`, { token });
    await call('DELETE', '/s3/multipart/{id}', '/s3/multipart/00000000-0000-4000-8000-000000000000?key=00000000-0000-4000-8000-000000000000', { token });

    const single = await call('GET', '/s3/params', `/s3/params?filename=one.mp4&type=video%2Fmp4&metadata%5Bsize%5D=${file.length}`, { token });
    expect(single.status).toBe(200);
    await call('GET', '/s3/params', '/s3/params?filename=one.mp4&type=video%2Fmp4', { token });

    // GET /config
    await call('GET', '/config', '/config', { token });
  });

  it('has, for every route, a recorded success and a recorded error (GET /openapi.json can only fail by throttle or crash)', () => {
    for (const route of ROUTES) {
      const answers = recorded.filter((answer) => answer.route === `${route.method} ${route.path}`).map((answer) => answer.status);
      expect(answers.some((status) => status < 300), `${route.method} ${route.path}: ${answers}`).toBe(true);
      if (route.path !== '/openapi.json') expect(answers.some((status) => status >= 400), `${route.method} ${route.path}: ${answers}`).toBe(true);
    }
    const statuses = new Set(recorded.map((answer) => answer.status));
    expect([...statuses].sort()).toEqual([200, 201, 204, 400, 401, 404, 409, 413, 415, 422]);
  });

  it('gets only answers whose status the document lists for the operation, with a body its schema accepts', () => {
    const failures: string[] = [];
    for (const answer of recorded) {
      const pointer = `#/paths/${answer.path.replaceAll('~', '~0').replaceAll('/', '~1')}/${answer.method}/responses/${answer.status}`;
      const documented = document.paths[answer.path]?.[answer.method]?.responses?.[String(answer.status)];
      const where = `${answer.route} → ${answer.status} ${JSON.stringify(answer.body)?.slice(0, 300)}`;
      if (documented === undefined) failures.push(`${where}: status not documented`);
      else if (documented.content === undefined) {
        if (answer.body !== undefined) failures.push(`${where}: documented without a body`);
      } else {
        const errors = ajv.errors(pointer, answer.body);
        if (errors.length > 0) failures.push(`${where}: ${errors.join('; ')}`);
      }
    }
    expect(failures).toEqual([]);
  });

  it('the check refuses an answer the document does not allow (it can fail)', () => {
    const upload = recorded.find((answer) => answer.route === 'GET /uploads/{id}' && answer.status === 200)!.body as Record<string, unknown>;
    expect(ajv.check('#/paths/~1uploads~1{id}/get/responses/200', upload)).toBe(true);
    expect(ajv.check('#/paths/~1uploads~1{id}/get/responses/200', { ...upload, status: 'done' })).toBe(false);
    expect(ajv.check('#/paths/~1uploads~1{id}/get/responses/200', { ...upload, ownerId: 'openapi' })).toBe(false);
    expect(ajv.check('#/paths/~1uploads~1{id}/get/responses/404', { error: { code: 'INVALID_STATE', message: 'm' } })).toBe(false);
  });
});
