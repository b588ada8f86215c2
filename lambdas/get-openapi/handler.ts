import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2, Context } from 'aws-lambda';
import { jsonErrorResponder } from '../shared/http/jsonErrorResponder.js';
import { getOpenApi } from './getOpenApi.js';

// Not `httpHandler`: that one requires the JWT authorizer's caller, and this route has none.
export const handler = middy<APIGatewayProxyEventV2, APIGatewayProxyResultV2, Error, Context>().use(jsonErrorResponder()).handler(getOpenApi);
