import middy from '@middy/core';
import { sweepUploads } from './sweepUploads.js';

/** Invoked by the schedule; the event carries nothing the job needs. */
export const handler = middy().handler(async () => sweepUploads(new Date()));
