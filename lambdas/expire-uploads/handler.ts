import middy from '@middy/core';
import { expireUploads } from './expireUploads.js';

/** Invoked by the schedule; the event carries nothing the job needs. */
export const handler = middy().handler(async () => expireUploads(new Date()));
