import middy from '@middy/core';
import type { APIGatewayProxyResult, Context } from 'aws-lambda';
import { acceptConnection } from './acceptConnection.js';

export const handler = middy<unknown, APIGatewayProxyResult, Error, Context>().handler(async () => acceptConnection());
