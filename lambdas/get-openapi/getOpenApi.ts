import type { APIGatewayProxyResultV2 } from 'aws-lambda';
// Bundled into the function: the document is generated from the route table and the schemas
// (`npm run openapi`), and a unit test keeps the committed file equal to what they say now.
import document from '../../docs/openapi.json' with { type: 'json' };

const body = JSON.stringify(document);

/** `GET /openapi.json`: the API's OpenAPI 3.1 description. Public (no JWT); it names no user and no resource. */
export async function getOpenApi(): Promise<APIGatewayProxyResultV2> {
  return { statusCode: 200, headers: { 'content-type': 'application/json', 'cache-control': 'public, max-age=300' }, body };
}
