import middy from '@middy/core';
import type { APIGatewayAuthorizerResult, APIGatewayRequestAuthorizerEvent, Context } from 'aws-lambda';
import { jwtSettings } from '../shared/config.js';
import { authorizeConnection } from './authorizeConnection.js';
import { issuerKeys } from './issuerKeys.js';

const settings = jwtSettings();
const keys = issuerKeys(settings);

export const handler = middy<APIGatewayRequestAuthorizerEvent, APIGatewayAuthorizerResult, Error, Context>().handler((event) =>
  authorizeConnection(event, settings, keys),
);
