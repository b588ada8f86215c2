/** What the gateway writes back to the client. */
export interface GatewayResponse {
  readonly statusCode: number;
  readonly headers: Readonly<Record<string, string | readonly string[]>>;
  readonly body: Buffer;
}

interface StructuredResult {
  readonly statusCode: number;
  readonly headers?: Readonly<Record<string, string | number | boolean>>;
  readonly cookies?: readonly string[];
  readonly body?: string;
  readonly isBase64Encoded?: boolean;
}

/**
 * Maps a function's result to the HTTP response the way API Gateway does for payload 2.0: an
 * object with `statusCode` is taken field by field (base64 bodies decoded, cookies as
 * `set-cookie`); anything else is the shorthand, answered 200 with the value as a JSON body.
 */
export function toGatewayResponse(result: unknown): GatewayResponse {
  if (!isStructured(result)) {
    return {
      statusCode: 200,
      headers: { 'content-type': 'application/json' },
      body: Buffer.from(typeof result === 'string' ? result : JSON.stringify(result ?? null)),
    };
  }
  const headers: Record<string, string | readonly string[]> = {};
  for (const [name, value] of Object.entries(result.headers ?? {})) headers[name.toLowerCase()] = String(value);
  if (result.cookies && result.cookies.length > 0) headers['set-cookie'] = result.cookies;
  const body = result.body ?? '';
  return {
    statusCode: result.statusCode,
    headers,
    body: Buffer.from(body, result.isBase64Encoded ? 'base64' : 'utf8'),
  };
}

function isStructured(result: unknown): result is StructuredResult {
  return typeof result === 'object' && result !== null && 'statusCode' in result && typeof result.statusCode === 'number';
}
