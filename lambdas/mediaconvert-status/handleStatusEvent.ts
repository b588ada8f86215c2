import { logger } from '../shared/logger.js';
import { applyJobState, type JobStateContext } from '../process-upload/mediaconvert/applyJobState.js';
import { jobStateFromEvent } from '../process-upload/mediaconvert/jobState.js';
import { checkSilentJobs } from './checkSilentJobs.js';

/** What EventBridge delivers: a MediaConvert job state change, or the rule's periodic tick. */
export interface StatusEvent {
  readonly source?: string;
  readonly 'detail-type'?: string;
  readonly time?: string;
  readonly detail?: unknown;
}

export interface StatusContexts {
  /** For job events. */
  readonly event: JobStateContext;
  /** For the periodic check (it writes even when nothing rose). */
  readonly check: JobStateContext;
}

/**
 * One function for everything MediaConvert reports: a `MediaConvert Job State Change` is
 * applied; the scheduled tick asks about silent jobs. Anything else is logged and dropped (a
 * throw would only be retried). A fault while applying throws, so EventBridge's retries and then
 * the dead-letter queue take the event.
 */
export async function handleStatusEvent(event: StatusEvent, contexts: StatusContexts, now: Date): Promise<void> {
  if (event.source === 'aws.events' && event['detail-type'] === 'Scheduled Event') {
    await checkSilentJobs(now, contexts.check);
    return;
  }
  const state = jobStateFromEvent(event);
  if (!state) {
    logger.warn('Dropping an event that is not a MediaConvert job state change', { source: event.source, detailType: event['detail-type'] });
    return;
  }
  const outcome = await applyJobState(state, contexts.event);
  logger.info('Applied a transcode job event', { jobId: state.jobId, status: state.status, percent: state.percentComplete, outcome });
}
