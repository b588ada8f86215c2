import middy from '@middy/core';
import type { LambdaFunctionURLEvent, LambdaFunctionURLResult } from 'aws-lambda';
import { servePlaylist } from './servePlaylist.js';

/** Behind CloudFront (Origin Access Control signs its requests to the function URL). */
export const handler = middy<LambdaFunctionURLEvent, LambdaFunctionURLResult>().handler((event) => servePlaylist(event));
