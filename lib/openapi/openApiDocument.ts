/**
 * The HTTP API's OpenAPI 3.1 document, built from the route table (paths, methods, auth), the
 * schemas the handlers validate requests with, and the response schemas of responseSchemas.ts,
 * all through zod's own JSON Schema output (JSON Schema 2020-12, OpenAPI 3.1's dialect).
 * `npm run openapi` writes it to docs/openapi.json, and `GET /openapi.json` serves that file.
 */
import { z } from 'zod';
import type * as core from 'zod/v4/core';
import { PROGRESS_PROTOCOL } from '../../client/protocol.js';
import { uploadIdSchema } from '../../lambdas/shared/validation/uploadId.js';
import { authOf, ROUTES, type RouteDefinition } from '../routes.js';
import { errorBodySchema, gatewayMessageSchema, responseComponents } from './responseSchemas.js';
import { ROUTE_OPERATIONS, type RouteOperation, type SuccessAnswer } from './routeOperations.js';

export const OPENAPI_VERSION = '3.1.1';
/** Where the committed document lives, from the project root. */
export const OPENAPI_DOCUMENT_PATH = 'docs/openapi.json';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

const SECURITY_SCHEME = 'bearerJwt';
const COMPONENT_REF = '#/components/schemas/';

/** API Gateway's own bodies, which never reach a function. */
const GATEWAY = {
  unauthorized: 'Unauthorized',
  throttled: 'Too Many Requests',
  tooLarge: 'Request Entity Too Large',
  crashed: 'Internal Server Error',
} as const;

const STATUS_TEXT: Readonly<Record<number, string>> = {
  400: 'The request breaks a rule; nothing changed',
  401: 'No valid bearer token',
  403: 'Over a per-user limit; nothing changed',
  404: 'No such upload, or another owner’s',
  409: 'The upload’s state does not allow it',
  413: 'Too large',
  415: 'The content type is not accepted',
  422: 'What S3 holds contradicts the request',
  429: 'Too many requests',
  500: 'Something failed on the server; nothing about it is shown',
};

/** The document as an object, with keys in a stable (sorted) order. */
export function openApiDocument(version: string): JsonObject {
  const requestComponents = z.registry<{ id: string }>();
  const paths: Record<string, JsonObject> = {};
  for (const route of ROUTES) {
    const operation = ROUTE_OPERATIONS[route.id];
    if (operation === undefined) throw new Error(`lib/openapi/routeOperations.ts says nothing of route ${route.id}`);
    paths[route.path] ??= {};
    paths[route.path]![route.method.toLowerCase()] = operationObject(route, operation, requestComponents);
  }
  const document: JsonObject = {
    openapi: OPENAPI_VERSION,
    info: {
      title: 'media-pipeline upload API',
      version,
      description: [
        'Multipart uploads straight to S3: create an upload, PUT each part to its presigned URL, complete it; processing then makes the upload ready (or failed).',
        'Errors are { "error": { "code", "message" } } and change nothing. API Gateway answers some requests itself with { "message" }: a missing or invalid token (401), the stage throttle (429), a body over 10 MiB (413), a function that crashed (500).',
        `Live progress is not part of this HTTP API: connect to webSocketUrl from GET /config with the subprotocol ${PROGRESS_PROTOCOL} (see docs/websocket.md and x-live-progress).`,
      ].join('\n\n'),
      license: { name: 'MIT', identifier: 'MIT' },
    },
    'x-live-progress': {
      description: 'Every write of an upload record is pushed over WebSocket; the protocol, its messages and refusal codes are in docs/websocket.md.',
      url: 'GET /config → webSocketUrl',
      subprotocol: PROGRESS_PROTOCOL,
      docs: 'docs/websocket.md',
    },
    paths,
    components: {
      securitySchemes: {
        [SECURITY_SCHEME]: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description: "A JWT of the stack's issuer and audience (Cognito access or ID token, or local mode's issuer); its sub is the owner of the uploads",
        },
      },
      schemas: { ...componentSchemas(responseComponents, 'output'), ...componentSchemas(requestComponents, 'input') },
    },
  };
  return sortKeys(document) as JsonObject;
}

/** The document as docs/openapi.json holds it: two-space indents and a final newline. */
export function openApiJson(version: string): string {
  return `${JSON.stringify(openApiDocument(version), null, 2)}\n`;
}

function operationObject(route: RouteDefinition, operation: RouteOperation, requestComponents: core.$ZodRegistry<{ id: string }>): JsonObject {
  const jwt = authOf(route) === 'jwt';
  const parameters: Json[] = [...pathParameters(route.path)];
  for (const [name, { schema, description, required }] of Object.entries(operation.query ?? {})) {
    parameters.push({ name, in: 'query', required: required === true, description, schema: jsonSchema(schema, 'input') });
  }
  const responses: JsonObject = {};
  for (const [status, answer] of Object.entries(operation.success)) responses[status] = successResponse(answer);
  for (const [status, body] of Object.entries(errorBodies(route, operation))) {
    responses[status] = { description: STATUS_TEXT[Number(status)] ?? 'Error', content: { 'application/json': { schema: body } } };
  }
  if (operation.errors[429]?.includes('RATE_LIMITED')) {
    (responses['429'] as JsonObject).headers = {
      'retry-after': { description: 'With RATE_LIMITED: seconds until the clock hour ends', schema: { type: 'integer', minimum: 0 } },
    };
  }
  const object: JsonObject = {
    operationId: route.id.charAt(0).toLowerCase() + route.id.slice(1),
    summary: route.description,
    security: jwt ? [{ [SECURITY_SCHEME]: [] }] : [],
    responses,
  };
  if (parameters.length > 0) object.parameters = parameters;
  if (operation.requestBody) {
    const id = `${route.id}Request`;
    requestComponents.add(operation.requestBody.schema, { id });
    object.requestBody = {
      required: operation.requestBody.required,
      ...(operation.requestBody.description ? { description: operation.requestBody.description } : {}),
      content: { 'application/json': { schema: { $ref: `${COMPONENT_REF}${id}` } } },
    };
  }
  return object;
}

/**
 * `{id}` is an upload id: one of another shape is answered 404 NOT_FOUND, like an unknown id.
 * `{partNumber}` (Companion's sign part) is a part number: anything else is 400 INVALID_PART_NUMBERS.
 */
function pathParameters(path: string): Json[] {
  return [...path.matchAll(/\{([A-Za-z0-9_]+)\}/g)].map(([, name]) =>
    name === 'partNumber'
      ? {
          name,
          in: 'path',
          required: true,
          description: 'The part number, 1 to 10,000',
          schema: { type: 'integer', minimum: 1, maximum: 10_000 },
        }
      : {
          name: name!,
          in: 'path',
          required: true,
          description: 'The upload id; any other value answers 404 NOT_FOUND',
          schema: jsonSchema(uploadIdSchema, 'input'),
        },
  );
}

function successResponse(answer: SuccessAnswer): JsonObject {
  const response: JsonObject = { description: answer.description };
  if (answer.headers) {
    response.headers = Object.fromEntries(Object.entries(answer.headers).map(([name, description]) => [name, { description, schema: { type: 'string' } }]));
  }
  if (answer.isDocument) response.content = { 'application/json': { schema: { type: 'object', description: 'An OpenAPI 3.1 document' } } };
  else if (answer.body) response.content = { 'application/json': { schema: { $ref: `${COMPONENT_REF}${componentId(answer.body)}` } } };
  return response;
}

/** The body of each error status: the handler's codes, and what API Gateway answers itself at that status. */
function errorBodies(route: RouteDefinition, operation: RouteOperation): Record<string, Json> {
  const gateway: Record<number, string> = { 429: GATEWAY.throttled, 500: GATEWAY.crashed };
  const handler: Record<number, readonly [string, ...string[]]> = { ...operation.errors, 500: ['INTERNAL_ERROR'] };
  if (authOf(route) === 'jwt') {
    gateway[401] = GATEWAY.unauthorized;
    // The handler's own check of the caller, should a request reach it without the authorizer's claims.
    handler[401] = ['UNAUTHORIZED'];
  }
  if (operation.requestBody) gateway[413] = GATEWAY.tooLarge;
  const statuses = [...new Set([...Object.keys(handler), ...Object.keys(gateway)].map(Number))].sort((a, b) => a - b);
  return Object.fromEntries(
    statuses.map((status) => {
      const bodies = [
        ...(handler[status] ? [jsonSchema(errorBodySchema(handler[status], operation.topLevelMessage === true), 'output')] : []),
        ...(gateway[status] ? [jsonSchema(gatewayMessageSchema(gateway[status]), 'output')] : []),
      ];
      return [String(status), bodies.length === 1 ? bodies[0]! : { oneOf: bodies }];
    }),
  );
}

function componentId(schema: core.$ZodType): string {
  const id = responseComponents.get(schema)?.id;
  if (id === undefined) throw new Error('A success body must be a component of lib/openapi/responseSchemas.ts');
  return id;
}

function componentSchemas(registry: core.$ZodRegistry<{ id: string }>, io: 'input' | 'output'): JsonObject {
  const { schemas } = z.toJSONSchema(registry, { io, uri: (id: string) => `${COMPONENT_REF}${id}` });
  return Object.fromEntries(Object.entries(schemas).map(([id, schema]) => [id, withoutSchemaIdentity(schema as JsonObject)]));
}

function jsonSchema(schema: core.$ZodType, io: 'input' | 'output'): Json {
  return withoutSchemaIdentity(z.toJSONSchema(schema, { io }) as JsonObject);
}

/** `$schema` and `$id` are implied by where the schema sits in an OpenAPI 3.1 document. */
function withoutSchemaIdentity({ $schema: _dialect, $id: _id, ...schema }: JsonObject): JsonObject {
  return schema;
}

function sortKeys(value: Json): Json {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.keys(value).sort().map((key) => [key, sortKeys(value[key]!)]));
}
