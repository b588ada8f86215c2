import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { handler } from '../../../../lambdas/get-openapi/handler.js';
import { PROJECT_ROOT } from '../../../../lib/PipelineFunction.js';
import { apiEvent } from '../../support/apiEvent.js';
import { lambdaContext } from '../../support/lambdaContext.js';

describe('get-openapi handler', () => {
  it('answers docs/openapi.json as JSON to a caller without any claims (the route has no authorizer)', async () => {
    const { requestContext, ...event } = apiEvent({ method: 'GET', route: '/openapi.json', sub: null });
    const { authorizer: _none, ...withoutAuthorizer } = requestContext;

    const response = (await handler({ ...event, requestContext: withoutAuthorizer }, lambdaContext())) as {
      statusCode: number;
      headers: Record<string, string>;
      body: string;
    };

    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('application/json');
    expect(JSON.parse(response.body)).toEqual(JSON.parse(readFileSync(join(PROJECT_ROOT, 'docs/openapi.json'), 'utf8')));
  });
});
