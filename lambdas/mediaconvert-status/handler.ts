import middy from '@middy/core';
import { jobStateContext } from '../process-upload/mediaconvert/jobStateContext.js';
import { handleStatusEvent, type StatusEvent } from './handleStatusEvent.js';

const contexts = { event: jobStateContext(), check: jobStateContext({ touch: true }) };

/** EventBridge: MediaConvert job state changes of this stack's queue, and a periodic tick. */
export const handler = middy<StatusEvent>().handler(async (event) => handleStatusEvent(event, contexts, new Date()));
