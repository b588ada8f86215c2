import { randomUUID } from 'node:crypto';

/** The phases of a running job (SDK enum JobPhase). */
export type JobPhase = 'PROBING' | 'TRANSCODING' | 'UPLOADING';

export interface PhaseProgress {
  readonly status: 'PENDING' | 'PROGRESSING' | 'COMPLETE';
  readonly percentComplete: number;
}

export interface JobProgress {
  readonly phaseProgress: Readonly<Record<JobPhase, PhaseProgress>>;
  readonly jobPercentComplete: number;
  readonly currentPhase: JobPhase;
  readonly retryCount: number;
}

/** One output as the COMPLETE event describes it (its file paths are the event's only). */
export interface OutputDetail {
  readonly outputFilePaths: readonly string[];
  readonly durationInMs: number;
  readonly videoDetails: { readonly widthInPx: number; readonly heightInPx: number };
}

export type OutputGroupDetail =
  | { readonly type: 'HLS_GROUP'; readonly outputDetails: readonly OutputDetail[]; readonly playlistFilePaths: readonly string[] }
  | { readonly type: 'FILE_GROUP'; readonly outputDetails: readonly OutputDetail[] };

export type JobStateDetail =
  | { readonly status: 'PROGRESSING' }
  | { readonly status: 'STATUS_UPDATE'; readonly framesDecoded: number; readonly jobProgress: JobProgress }
  | { readonly status: 'COMPLETE'; readonly outputGroupDetails: readonly OutputGroupDetail[] }
  | { readonly status: 'ERROR'; readonly errorCode: number; readonly errorMessage: string }
  | { readonly status: 'CANCELED' };

/** What EventBridge hands a rule's target for `aws.mediaconvert` / `MediaConvert Job State Change`. */
export interface JobStateChangeEvent {
  readonly version: '0';
  readonly id: string;
  readonly 'detail-type': 'MediaConvert Job State Change';
  readonly source: 'aws.mediaconvert';
  readonly account: string;
  /** ISO 8601 to the second, as EventBridge writes it ("2022-12-19T19:21:21Z"). */
  readonly time: string;
  readonly region: string;
  /** The job's ARN. */
  readonly resources: readonly string[];
  readonly detail: {
    /** Epoch milliseconds. */
    readonly timestamp: number;
    readonly accountId: string;
    readonly queue: string;
    readonly jobId: string;
    readonly userMetadata: Readonly<Record<string, string>>;
  } & JobStateDetail;
}

export interface EventJob {
  readonly id: string;
  readonly arn: string;
  readonly queue: string;
  readonly userMetadata: Readonly<Record<string, string>>;
}

export interface EventSource {
  readonly region: string;
  readonly accountId: string;
}

/**
 * A job state change event as the MediaConvert User Guide documents them (ev_status_*.html: the
 * envelope, then `detail` with the job and the status's own fields). Fields AWS sends that
 * nothing here uses (warnings, blackVideoDetected, QVBR scores, INPUT_INFORMATION) are left out.
 */
export function jobStateChangeEvent(job: EventJob, source: EventSource, state: JobStateDetail, at = new Date()): JobStateChangeEvent {
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': 'MediaConvert Job State Change',
    source: 'aws.mediaconvert',
    account: source.accountId,
    time: `${at.toISOString().slice(0, 19)}Z`,
    region: source.region,
    resources: [job.arn],
    detail: {
      timestamp: at.getTime(),
      accountId: source.accountId,
      queue: job.queue,
      jobId: job.id,
      userMetadata: job.userMetadata,
      ...state,
    },
  };
}
