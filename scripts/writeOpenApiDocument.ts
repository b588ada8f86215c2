/**
 * `npm run openapi`: writes the HTTP API's OpenAPI document to docs/openapi.json from the route
 * table and the schemas (lib/openapi/). Commit the result: GET /openapi.json serves that file,
 * and test/unit/lib/openapi/openApiDocument.test.ts fails while it differs from what this writes.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { OPENAPI_DOCUMENT_PATH, openApiJson } from '../lib/openapi/openApiDocument.js';
import { PROJECT_ROOT } from '../lib/PipelineFunction.js';

const { version } = JSON.parse(await readFile(join(PROJECT_ROOT, 'package.json'), 'utf8')) as { version: string };
await writeFile(join(PROJECT_ROOT, OPENAPI_DOCUMENT_PATH), openApiJson(version));
console.log(`Wrote ${OPENAPI_DOCUMENT_PATH}`);
