import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import { UnauthorizedError, ValidationError } from '../errors.js';

/** What an API handler's logic needs from the API Gateway event, already checked. */
export interface ApiRequest {
  /** The caller: the JWT's `sub` claim, as API Gateway's JWT authorizer passes it. */
  readonly ownerId: string;
  readonly pathParameters: Readonly<Record<string, string | undefined>>;
  readonly query: Readonly<Record<string, string | undefined>>;
  /** The parsed JSON body, or undefined when the request had none. */
  readonly body: unknown;
}

export type ApiEvent = APIGatewayProxyEventV2WithJWTAuthorizer;

/**
 * Reads the owner from the authorizer's claims and parses the JSON body. A request without
 * a subject is a 401 (API Gateway would normally stop it first); a body that is not JSON is a 400.
 */
export function toApiRequest(event: ApiEvent): ApiRequest {
  const sub = event.requestContext?.authorizer?.jwt?.claims?.sub;
  if (typeof sub !== 'string' || sub === '') throw new UnauthorizedError();
  return {
    ownerId: sub,
    pathParameters: event.pathParameters ?? {},
    query: event.queryStringParameters ?? {},
    body: parseJsonBody(event),
  };
}

function parseJsonBody(event: ApiEvent): unknown {
  if (event.body === undefined || event.body === null || event.body === '') return undefined;
  const text = event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
  try {
    return JSON.parse(text);
  } catch (cause) {
    throw new ValidationError(`The request body is not valid JSON (${(cause as Error).message})`, 'INVALID_JSON', { cause });
  }
}
