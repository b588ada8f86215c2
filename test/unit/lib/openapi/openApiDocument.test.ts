import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Validator } from '@seriousme/openapi-schema-validator';
import { describe, expect, it } from 'vitest';
import { UPLOAD_STATUSES } from '../../../../lambdas/shared/uploadRecord.js';
import { OPENAPI_DOCUMENT_PATH, openApiDocument, openApiJson } from '../../../../lib/openapi/openApiDocument.js';
import { PROJECT_ROOT } from '../../../../lib/PipelineFunction.js';
import { ROUTES } from '../../../../lib/routes.js';
import { openApiAjv } from '../../../support/openApiAjv.js';

const { version } = JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')) as { version: string };
const document = openApiDocument(version) as any;

describe('the OpenAPI document', () => {
  it('is committed as npm run openapi writes it now (run it after changing a route or a schema)', () => {
    expect(readFileSync(join(PROJECT_ROOT, OPENAPI_DOCUMENT_PATH), 'utf8')).toBe(openApiJson(version));
  });

  it('is valid OpenAPI 3.1 by the specification schema, checked by an independent validator', async () => {
    const validator = new Validator();
    const result = await validator.validate(structuredClone(document));
    expect(result.errors).toBeUndefined();
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
  });

  it('the validator catches a broken document (the check above can fail)', async () => {
    const broken = structuredClone(document);
    broken.paths['/uploads'].post.responses = 'none';
    expect((await new Validator().validate(broken)).valid).toBe(false);
  });

  it('describes every route of the route table, with its path parameters, and nothing else', () => {
    const documented = Object.entries(document.paths as Record<string, Record<string, unknown>>).flatMap(([path, operations]) =>
      Object.keys(operations).map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(documented.sort()).toEqual(ROUTES.map((route) => `${route.method} ${route.path}`).sort());
    const getUpload = document.paths['/uploads/{id}'].get;
    expect(getUpload.parameters).toEqual([expect.objectContaining({ name: 'id', in: 'path', required: true })]);
  });

  it('asks for the JWT bearer scheme on every route but GET /openapi.json', () => {
    expect(document.components.securitySchemes.bearerJwt).toEqual(expect.objectContaining({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' }));
    for (const route of ROUTES) {
      const operation = document.paths[route.path][route.method.toLowerCase()];
      const expected = route.path === '/openapi.json' ? [] : [{ bearerJwt: [] }];
      expect(operation.security, `${route.method} ${route.path}`).toEqual(expected);
      expect(Object.keys(operation.responses).includes('401'), `${route.method} ${route.path}`).toBe(route.path !== '/openapi.json');
    }
  });

  it('names the upload states and points at docs/websocket.md for live progress', () => {
    expect(document.components.schemas.UploadStatus.enum).toEqual([...UPLOAD_STATUSES]);
    expect(document['x-live-progress'].docs).toBe('docs/websocket.md');
    expect(document.info.description).toContain('docs/websocket.md');
  });

  it('gives each error status its codes: POST /uploads at 413, the authorizer 401 and the throttle 429 everywhere', () => {
    const ajv = openApiAjv(document);
    const createErrors = '#/paths/~1uploads/post/responses';
    expect(ajv.check(`${createErrors}/413`, { error: { code: 'METADATA_TOO_LARGE', message: 'm' } })).toBe(true);
    expect(ajv.check(`${createErrors}/413`, { message: 'Request Entity Too Large' })).toBe(true);
    expect(ajv.check(`${createErrors}/413`, { error: { code: 'NOT_FOUND', message: 'm' } })).toBe(false);
    expect(ajv.check('#/paths/~1config/get/responses/401', { message: 'Unauthorized' })).toBe(true);
    expect(ajv.check('#/paths/~1config/get/responses/429', { message: 'Too Many Requests' })).toBe(true);
    expect(ajv.check('#/paths/~1config/get/responses/429', { error: { code: 'RATE_LIMITED', message: 'm' } })).toBe(false);
  });

  it("describes request bodies by the handlers' own schemas: unknown fields and broken rules are refused", () => {
    const ajv = openApiAjv(document);
    const body = '#/paths/~1uploads/post/requestBody';
    expect(ajv.check(body, { filename: 'a.mp4', contentType: 'video/mp4', size: 10, metadata: { title: 'x' } })).toBe(true);
    expect(ajv.check(body, { filename: 'a.mp4', contentType: 'video/mp4', size: 10, colour: 'red' })).toBe(false);
    expect(ajv.check(body, { filename: 'a.mp4', contentType: 'video/mp4', size: 0 })).toBe(false);
    expect(ajv.check(body, { filename: 'a.mp4', contentType: 'video/mp4', size: 10, metadata: { 'bad key': 'x' } })).toBe(false);
    expect(ajv.check('#/paths/~1uploads~1{id}~1parts/post/requestBody', { partNumbers: [1, 2] })).toBe(true);
    expect(ajv.check('#/paths/~1uploads~1{id}~1parts/post/requestBody', { partNumbers: [] })).toBe(false);
  });
});
