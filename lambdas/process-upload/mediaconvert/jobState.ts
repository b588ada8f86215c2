import type { Job } from '@aws-sdk/client-mediaconvert';
import * as z from 'zod/mini';

/** What a MediaConvert job reports, from an EventBridge event or from GetJob, in one shape. */
export interface JobState {
  readonly jobId: string;
  /** `PROGRESSING`, `STATUS_UPDATE`, `COMPLETE`, `ERROR`, `CANCELED`, or another status the code ignores. */
  readonly status: string;
  readonly queue: string | undefined;
  readonly userMetadata: Readonly<Record<string, string>>;
  /** 0 to 100 while the job runs; absent when MediaConvert cannot tell. */
  readonly percentComplete?: number;
  readonly errorCode?: number;
  readonly errorMessage?: string;
}

/** The statuses after which a job never changes again. */
export const FINAL_JOB_STATUSES: readonly string[] = ['COMPLETE', 'ERROR', 'CANCELED'];

const JobStateChange = z.object({
  'detail-type': z.literal('MediaConvert Job State Change'),
  source: z.literal('aws.mediaconvert'),
  detail: z.object({
    jobId: z.string().check(z.minLength(1)),
    status: z.string(),
    queue: z.optional(z.string()),
    userMetadata: z.optional(z.record(z.string(), z.string())),
    // Null when MediaConvert cannot tell the progress (its API reference): the event still counts.
    jobProgress: z.optional(z.object({ jobPercentComplete: z.optional(z.nullable(z.number())) })),
    errorCode: z.optional(z.number()),
    errorMessage: z.optional(z.string()),
  }),
});

/** The job state an EventBridge `MediaConvert Job State Change` event carries; undefined for any other event. */
export function jobStateFromEvent(event: unknown): JobState | undefined {
  const parsed = JobStateChange.safeParse(event);
  if (!parsed.success) return undefined;
  const { detail } = parsed.data;
  return {
    jobId: detail.jobId,
    status: detail.status,
    queue: detail.queue,
    userMetadata: detail.userMetadata ?? {},
    ...(detail.jobProgress?.jobPercentComplete == null ? {} : { percentComplete: detail.jobProgress.jobPercentComplete }),
    ...(detail.errorCode === undefined ? {} : { errorCode: detail.errorCode }),
    ...(detail.errorMessage === undefined ? {} : { errorMessage: detail.errorMessage }),
  };
}

/** The job state GetJob answers with (its SUBMITTED has no event of its own). */
export function jobStateFromGetJob(job: Job): JobState {
  if (job.Id === undefined || job.Status === undefined) throw new TypeError('GetJob answered without an Id or a Status');
  return {
    jobId: job.Id,
    status: job.Status,
    queue: job.Queue,
    userMetadata: job.UserMetadata ?? {},
    ...(job.JobPercentComplete === undefined ? {} : { percentComplete: job.JobPercentComplete }),
    ...(job.ErrorCode === undefined ? {} : { errorCode: job.ErrorCode }),
    ...(job.ErrorMessage === undefined ? {} : { errorMessage: job.ErrorMessage }),
  };
}
